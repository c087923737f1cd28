"""A wrong CURVE secret key or PLAIN password is refused in words and never repeated.

Each bad value a user might write in a workspace (a key with a character missing or a blank
after it, the key in hex or base64, an over-long password, a number as password) is loaded
through the real loader, the window and the command line; the secret must not appear in
any error text, log record, the Problems window or stderr, in any encoding.
"""

from __future__ import annotations

import base64
import json
import logging

import pytest
import zmq
from test_app import run_app
from window_driver import WAIT_MS
from zmq.utils import z85

from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.workspace.apply import apply_workspace
from zinspect.core.workspace.parse import parse_workspace, read_workspace

PUBLIC, SECRET = (k.decode() for k in zmq.curve_keypair())
PASSWORD = "correct-horse-battery-staple-" * 11  # 319 bytes: more than PLAIN's 255
RAW = z85.decode(SECRET.encode())

# (name, where it goes, JSON value, the words expected, the secret in every form to hide)
CASES = [
    (
        "key one character short",
        "CURVE_SECRETKEY",
        SECRET[:-1],
        "the CURVE secret key is 39 characters, expected 40 (Z85) or 32 raw bytes",
    ),
    (
        "key with a trailing blank",
        "CURVE_SECRETKEY",
        SECRET + " ",
        "the CURVE secret key has blanks before or after it",
    ),
    (
        "key as 64 hex digits",
        "CURVE_SECRETKEY",
        RAW.hex(),
        'the CURVE secret key is 64 hex digits: write it as {"hex": …}',
    ),
    (
        "key in hex, a byte too many",
        "CURVE_SECRETKEY",
        {"hex": RAW.hex() + "00"},
        "the CURVE secret key is 33 bytes, expected 40 characters of Z85 text or 32 raw bytes",
    ),
    (
        "key in base64, a byte short",
        "CURVE_SECRETKEY",
        {"base64": base64.b64encode(RAW[:-1]).decode()},
        "the CURVE secret key is 31 bytes",
    ),
    (
        "key in broken hex",
        "CURVE_SECRETKEY",
        {"hex": RAW.hex()[:-1]},
        "the CURVE secret key is not valid hex (63 characters)",
    ),
    (
        "over-long password",
        "PLAIN_PASSWORD",
        PASSWORD,
        "the PLAIN password is 319 bytes long; PLAIN takes at most 255",
    ),
    (
        "password as a number",
        "PLAIN_PASSWORD",
        31415926535897,
        'the PLAIN password must be text (or {"hex": …}, {"base64": …}); this is a number',
    ),
]


def forms(value) -> list[str]:
    """Every way the secret might be printed: as written, its bytes in hex, base64, repr,
    and for a key its 32 raw bytes in those forms too."""
    if isinstance(value, dict):
        value = next(iter(value.values()))
    text = str(value)
    data = text.encode()
    shown = [
        text,
        text.strip(),
        repr(text),
        repr(data),
        data.hex(),
        base64.b64encode(data).decode(),
    ]
    for raw in (RAW, RAW[:-1], bytes.fromhex(RAW.hex()[:62])):
        shown += [raw.hex(), base64.b64encode(raw).decode(), repr(raw)[2:-1][:40]]
    if text.strip() in (SECRET, SECRET[:-1]):
        shown += [text.strip()[:20], text.strip()[-20:]]
    return [s for s in shown if len(s) >= 8]


def assert_hidden(text: str, value) -> None:
    for form in forms(value):
        assert form not in text, f"the secret leaked as {form[:12]}…"


def options_workspace(option: str, value) -> dict:
    return {
        "zinspect": 1,
        "sockets": [
            {
                "name": "client",
                "type": "DEALER",
                "options": {option: value},
                "connect": ["tcp://127.0.0.1:5555"],
            },
            {"name": "fine", "type": "PULL", "bind": ["inproc://fine"]},
        ],
    }


def security_workspace(value, key: str) -> dict:
    security = (
        {"mechanism": "PLAIN", "username": "u", key: value, "save_secrets": True}
        if key == "password"
        else {"mechanism": "CURVE", key: value, "server_key": PUBLIC, "save_secrets": True}
    )
    return {"zinspect": 1, "sockets": [{"name": "client", "type": "DEALER", "security": security}]}


@pytest.mark.parametrize("case, option, value, words", CASES, ids=[c[0] for c in CASES])
def test_loader_says_what_is_wrong_without_the_secret(
    session, caplog, tmp_path, case, option, value, words
):
    caplog.expected_warnings = True
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "secret.zinspect.json"
    path.write_text(json.dumps(options_workspace(option, value)))
    workspace = read_workspace(path)
    errors = [str(e) for e in workspace.invalid]
    assert len(errors) == 1 and errors[0].startswith(f"sockets[0].options.{option}")
    assert words in errors[0]
    lines = apply_workspace(workspace, session)
    assert [s.name for s in session.sockets] == ["fine"]  # only the bad entry left out
    everything = "\n".join(
        errors + lines + [r.getMessage() for r in caplog.records] + [caplog.text]
    )
    assert_hidden(everything, value)


@pytest.mark.parametrize("case, option, value, words", CASES, ids=[c[0] for c in CASES])
def test_session_api_refuses_without_the_secret(session, case, option, value, words):
    if isinstance(value, dict):
        form, text = next(iter(value.items()))
        try:
            value = bytes.fromhex(text) if form == "hex" else base64.b64decode(text)
        except ValueError:
            pytest.skip("not bytes: only a workspace can hold it")
    handle = session.create_socket("DEALER")
    for setter in (handle.set_option, handle.set_security_option):
        with pytest.raises(SocketError) as refused:
            setter(option, value)
        error = refused.value
        chain = [str(error), repr(error), str(error.__cause__), str(error.__context__)]
        assert_hidden("\n".join(chain), value)
    assert option not in handle.options and option not in handle.security_options


@pytest.mark.parametrize(
    "key, value, words",
    [
        ("secret_key", SECRET[:-1], "The secret key must be 40 Z85 characters; this is 39"),
        ("secret_key", 12345678901234, "expected a Z85 key, got a number"),
        ("password", 31415926535897, "expected a string, got a number"),
        ("password", PASSWORD, "The password is longer than 255 bytes"),
    ],
    # named, not shown: an id made of the value would print a (generated) secret and differ
    # from one collection to the next
    ids=["key one short", "key as a number", "password as a number", "over-long password"],
)
def test_security_section_refuses_without_the_secret(caplog, key, value, words):
    workspace = parse_workspace(json.dumps(security_workspace(value, key)))
    errors = [str(e) for e in workspace.invalid]
    assert len(errors) == 1 and errors[0].startswith(f"sockets[0].security.{key}")
    assert words in errors[0]
    assert_hidden("\n".join(errors) + caplog.text, value)


def test_problems_window_never_shows_the_secret(window, qtbot, tmp_path, caplog):
    caplog.expected_warnings = True
    document = options_workspace("CURVE_SECRETKEY", SECRET + " ")
    document["sockets"].append(
        {"name": "pw", "type": "DEALER", "options": {"PLAIN_PASSWORD": PASSWORD}}
    )
    path = tmp_path / "secrets.zinspect.json"
    path.write_text(json.dumps(document))
    window.workspace_actions.open_path(path)
    dialog = window.workspace_actions.problems_dialog
    qtbot.waitUntil(lambda: len(dialog.problems()) == 2, timeout=WAIT_MS)
    shown = "\n".join(dialog.problems()) + window.statusBar().currentMessage()
    assert "blanks before or after it" in shown and "319 bytes long" in shown
    assert_hidden(shown + caplog.text, SECRET)
    assert_hidden(shown + caplog.text, PASSWORD)


def test_command_line_stderr_never_shows_the_secret(tmp_path):
    document = {"zinspect": 1, "sockets": []}
    for index, (_, option, value, _) in enumerate(CASES):
        document["sockets"].append(
            {"name": f"s{index}", "type": "DEALER", "options": {option: value}}
        )
    document["sockets"].append(
        security_workspace(PASSWORD, "password")["sockets"][0] | {"name": "plain"}
    )
    path = tmp_path / "secrets.zinspect.json"
    path.write_text(json.dumps(document))
    result = run_app(tmp_path, "--log-level", "DEBUG", str(path), "--autostop", "1", timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    for _, _, value, words in CASES:
        assert words in result.stderr
        assert_hidden(result.stderr, value)
    assert "sockets[8].security.password: The password is longer than 255 bytes" in result.stderr
    assert_hidden(result.stderr, PASSWORD)
    assert "Traceback" not in result.stderr
