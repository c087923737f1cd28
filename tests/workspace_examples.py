"""The workspace of docs/workspace-format.md, as people may write it by hand and as zinspect
writes it back: shared by the workspace tests (parsing, files, live sockets)."""

# A workspace exactly as docs/workspace-format.md says people may write it by hand.
HAND_WRITTEN = """\
{
  "zinspect": 1,
  "sockets": [
    {"name": "weather", "type": "SUB",
     "connect": ["tcp://127.0.0.1:5556"], "bind": [],
     "subscribe": ["10001"],
     "options": {"RCVHWM": 10000, "LINGER": 0}},
    {"name": "hello", "type": "REP", "bind": ["tcp://127.0.0.1:5555"],
     "automation": {"reply": {"frames": ["World"]}}},
    {"name": "client", "type": "REQ", "connect": ["tcp://127.0.0.1:5555"],
     "automation": {"send": {"frames": ["Hello {seq}"], "count": 10, "interval_ms": 0}}}
  ]
}
"""

# ...and as zinspect writes it back (docs/workspace-format.md shows this form too).
SAVED = """\
{
  "zinspect": 1,
  "sockets": [
    {
      "name": "weather",
      "type": "SUB",
      "bind": [],
      "connect": ["tcp://127.0.0.1:5556"],
      "subscribe": ["10001"],
      "options": {"LINGER": 0, "RCVHWM": 10000}
    },
    {
      "name": "hello",
      "type": "REP",
      "bind": ["tcp://127.0.0.1:5555"],
      "connect": [],
      "automation": {"reply": {"frames": ["World"]}}
    },
    {
      "name": "client",
      "type": "REQ",
      "bind": [],
      "connect": ["tcp://127.0.0.1:5555"],
      "automation": {"send": {"frames": ["Hello {seq}"], "count": 10, "interval_ms": 0}}
    }
  ],
  "messages": []
}
"""
