"""Captures replayed from the file as they are sent: a capture file is replayed from the
file, a file changed since it was counted stops the replay in words, and replaying a large
capture file does not load it (memory of a child process).

The other capture safety topics are in the sibling tests/test_safety_capture_*.py files.
"""

from __future__ import annotations

from pathlib import Path

from capture_helpers import CHILD_MEMORY, MIB, run_child
from session_helpers import WAIT_MS, linked, traffic

from zinspect.core.capture.capture import read_capture, write_capture
from zinspect.core.capture.replay import FAST, Replayer
from zinspect.core.capture.replay_source import CaptureMessages, file_stamp
from zinspect.core.store import IN, OUT, Message

# -- replaying from the file ----------------------------------------------------------------------


def counted(path: Path) -> CaptureMessages:
    result = read_capture(path)
    counts = {IN: 0, OUT: 0}
    for message in result.messages:
        counts[message.direction] += 1
    return CaptureMessages(path, counts, file_stamp(path))


def test_a_capture_file_is_replayed_from_the_file(session, qtbot, tmp_path):
    pull, push = linked(session, "PULL", "PUSH")
    path = tmp_path / "r.jsonl"
    write_capture(
        path, [Message(float(i), "x", OUT if i % 3 else IN, [b"m%d" % i]) for i in range(3000)]
    )
    messages = counted(path)
    assert (len(messages), len(messages.only(OUT)), len(messages.only(IN))) == (3000, 2000, 1000)
    replayer = Replayer(messages.only(OUT), push, FAST)
    task = replayer.start()
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    assert replayer.state == "done" and replayer.sent == replayer.total == 2000
    qtbot.waitUntil(lambda: len(traffic(session, pull)) == 2000, timeout=WAIT_MS)
    assert traffic(session, pull) == [[b"m%d" % i] for i in range(3000) if i % 3]
    assert traffic(session, push, OUT) == traffic(session, pull)  # stored as sent traffic


def test_a_file_changed_since_it_was_counted_stops_the_replay_in_words(session, qtbot, tmp_path):
    _pull, push = linked(session, "PULL", "PUSH")
    path = tmp_path / "r.jsonl"
    write_capture(path, [Message(1.0, "x", OUT, [b"one"])])
    messages = counted(path)
    write_capture(path, [Message(1.0, "x", OUT, [b"other"]), Message(2.0, "x", OUT, [b"2"])])
    replayer = Replayer(messages, push, FAST)
    task = replayer.start()
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    assert replayer.state == "failed" and replayer.sent == 0
    assert replayer.outcome() == (
        f"Stopped after 0 of 1 messages: {path} changed (or is "
        "gone) since it was read: open it again to replay it"
    )


REPLAY_FROM_FILE = (
    CHILD_MEMORY
    + """
import asyncio, sys
from zinspect.core.capture.capture import read_capture
from zinspect.core.capture.replay import FAST, Replayer
from zinspect.core.capture.replay_source import CaptureMessages, file_stamp
from zinspect.core.sockets.session import Session
from zinspect.core.store import MessageStore

path, count = sys.argv[1], int(sys.argv[2])

async def main():
    session = Session(MessageStore(max_messages=1000))  # the sent copies stay few
    sink = session.create_socket("PULL")
    push = session.create_socket("PUSH")
    push.connect(sink.bind("tcp://127.0.0.1:*").address)
    messages = CaptureMessages(path, {"out": count}, file_stamp(path))
    before = reset_peak()
    replayer = Replayer(messages, push, FAST)
    await replayer.start()
    peak = status("VmHWM")
    session.close()
    print(json.dumps({"state": replayer.state, "sent": replayer.sent,
                      "growth": peak - before}))

asyncio.run(main())
"""
)


def test_replaying_a_large_capture_file_does_not_load_it(tmp_path):
    """200,000 messages held as Message objects are about 70 MB; replayed from the file, the
    child's peak grows by a slice of them."""
    path = tmp_path / "many.jsonl"
    write_capture(
        path, (Message(float(i), "x", OUT, [b"topic", b"payload %06d" % i]) for i in range(200_000))
    )
    got = run_child(REPLAY_FROM_FILE, str(path), "200000")
    assert (got["state"], got["sent"]) == ("done", 200_000)
    assert got["growth"] < 24 * MIB
