"""Socket options and security fuzzed: any option name and value, any text typed for
any option (a parsed value passes its own check), security objects with one field
changed, near-valid CURVE keys (a secret key is never repeated in a refusal) and
allow/deny address entries.

The property is the same for every parser (tests/fuzz_support.py): for any input, either a
valid result or zinspect's own error with a message in words; never another exception, never
a hang. The other parsers are fuzzed in the sibling tests/test_fuzz_*.py files.
"""

from __future__ import annotations

from fuzz_support import (
    JSON_VALUES,
    JUNK_CHARS,
    JUNK_TEXT,
    PIECE_JUNK,
    PUBLIC_1,
    PUBLIC_2,
    SECRET_1,
    SECRET_2,
    fuzz,
    mutated,
    outcome,
    refused,
)
from hypothesis import example, given
from hypothesis import strategies as st

from zinspect.core.frames_json import SpecError
from zinspect.core.keys.curve_keys import Z85_ALPHABET, KeyFormatError, check_key
from zinspect.core.security.authenticator import parse_address
from zinspect.core.security.spec import SecuritySpec
from zinspect.core.security.spec_json import security_from_json
from zinspect.core.sockets.option_catalog import CATALOG, OptionValueError, check_value, parse_value
from zinspect.core.sockets.socket_options import OptionError, check_option_value, lookup_option

# -- socket options -----------------------------------------------------------------------------

OPTION_NAMES = (
    st.sampled_from(
        [
            "RCVHWM",
            "rcvhwm",
            "ZMQ_LINGER",
            " linger ",
            "IDENTITY",
            "ROUTING_ID",
            "TYPE",
            "FD",
            "SUBSCRIBE",
            "HWM",
            "RCVHWN",
            "CURVE_SERVERKEY",
            "",
            "ZMQ_",
        ]
    )
    | JUNK_TEXT
)


@fuzz(120)
@given(OPTION_NAMES, JSON_VALUES | st.binary(max_size=10) | st.sampled_from([2**31, 2**63]))
def test_any_option_name_and_value_is_usable_or_refused_in_words(name, value):
    option = outcome(lambda: lookup_option(name), OptionError)
    if refused(option):
        return
    # check_option_value is the Python API under SocketHandle.set_option (the workspace and
    # the form check types before): its refusal names the Python type ("takes an integer,
    # not str", a tested wording), so only "an OptionError naming the option" is asserted.
    try:
        checked = check_option_value(option, value)
    except OptionError as error:
        assert str(error).startswith(option.name)
    else:
        assert isinstance(checked, (int, bytes))


NUMBER_TEXTS = st.builds(
    lambda sign, digits, fraction, gap, unit, junk: sign + digits + fraction + gap + unit + junk,
    st.sampled_from(["", "-", "+", "--"]),
    st.sampled_from(
        [
            "0",
            "1",
            "100",
            "1_000",
            "1 000",
            "2147483648",
            "9" * 20,
            "9" * 5000,
            "\u0661\u0660",
            "\u00b2",
            "",
            "_1",
            "1__0",
        ]
    ),
    st.sampled_from(["", ".5", ".", ".25", "." + "3" * 5000, ".0000001"]),
    st.sampled_from(["", " ", "  ", "\t", " " * 3000]),
    st.sampled_from(
        [
            "",
            "ms",
            "s",
            "sec",
            "min",
            "KiB",
            "MiB",
            "GiB",
            "kb",
            "K",
            "m",
            "b",
            "messages",
            "message",
            "probes",
            "seconds",
            "on",
            "off",
            "lots",
        ]
    ),
    st.sampled_from(["", "", "", "!", "x", " 1", "\u00b2"]) | PIECE_JUNK,
)


@fuzz(250)
@given(
    st.sampled_from(sorted(CATALOG)),
    NUMBER_TEXTS
    | JUNK_TEXT
    | st.sampled_from(
        [
            "on",
            "OFF",
            "true",
            "yes",
            "OS default",
            "wait forever",
            "0x",
            "0xzz",
            "0x00",
            "0x" + "ab" * 300,
            "x" * 256,
            "\ud800",
            "no limit",
        ]
    ),
)
@example("LINGER", "9" * 5000)  # more digits than Python converts: was ValueError
@example("MAXMSGSIZE", "1." + "5" * 5000 + " KiB")
@example("IMMEDIATE", "1" * 5000)
@example("SNDHWM", "1" + " " * 20000 + "1x!")  # took 10 s (quadratic backtracking)
@example("ROUTING_ID", "\ud800")  # was UnicodeEncodeError
def test_any_text_typed_for_any_option_is_a_value_or_refused_in_words(name, text):
    spec = CATALOG[name]
    value = outcome(lambda: parse_value(spec, text), OptionValueError)
    if not refused(value):
        assert check_value(spec, value) == value


# -- security objects and CURVE keys ------------------------------------------------------------

SECURITY = [
    {
        "mechanism": "CURVE",
        "server": True,
        "public_key": PUBLIC_1,
        "secret_key": SECRET_1,
        "save_secrets": True,
        "authentication": {
            "allow": ["127.0.0.1"],
            "deny": ["10.0.0.0/8"],
            "client_keys": [PUBLIC_2],
            "client_key_directory": "/nonexistent",
        },
    },
    {
        "mechanism": "CURVE",
        "public_key": PUBLIC_2,
        "secret_key": SECRET_2,
        "server_key": PUBLIC_1,
        "save_secrets": True,
    },
    {"mechanism": "CURVE", "certificate": "/nonexistent/me.key_secret", "server_key": PUBLIC_1},
    {"mechanism": "PLAIN", "username": "alice", "password": "secret", "save_secrets": True},
    {
        "mechanism": "PLAIN",
        "server": True,
        "authentication": {"users": {"alice": "secret", "bob": None}},
    },
    {"mechanism": "NULL", "authentication": {"allow": ["::1", "192.168.0.0/16"]}},
]


@fuzz(120)
@given(st.sampled_from(SECURITY).flatmap(mutated) | JSON_VALUES)
@example({"mechanism": "PLAIN", "username": "\ud800", "password": "x"})  # UnicodeEncodeError
@example({"mechanism": "PLAIN", "username": "a", "password": "\udfff"})
def test_any_security_object_is_a_spec_or_refused_at_its_place(obj):
    spec = outcome(lambda: security_from_json(obj, "sockets[0].security"), SpecError)
    if refused(spec):
        assert spec.path.startswith("sockets[0].security")
    else:
        assert isinstance(spec, SecuritySpec)


@st.composite
def near_keys(draw):
    key = draw(st.sampled_from([PUBLIC_1, SECRET_1, PUBLIC_2, SECRET_2]))
    change = draw(
        st.sampled_from(["as is", "swap", "insert", "delete", "hex", "overflow", "blank"])
    )
    where = draw(st.integers(0, len(key) - 1))
    char = draw(st.sampled_from(list(Z85_ALPHABET) + JUNK_CHARS))
    if change == "swap":
        return key[:where] + char + key[where + 1 :]
    if change == "insert":
        return key[:where] + char + key[where:]
    if change == "delete":
        return key[:where] + key[where + 1 :]
    if change == "hex":
        return draw(st.binary(min_size=32, max_size=32)).hex()
    if change == "overflow":  # a 5-character group above 2**32-1 ("#####" is 85**5-1)
        return key[: where // 5 * 5] + "#####" + key[where // 5 * 5 + 5 :]
    if change == "blank":
        return f"  {key}\n"
    return key


@fuzz(150)
@given(
    near_keys() | JUNK_TEXT | st.text(st.sampled_from(Z85_ALPHABET), min_size=38, max_size=42),
    st.booleans(),
)
def test_any_text_is_a_curve_key_or_refused_in_words(text, secret):
    key = outcome(lambda: check_key(text, "server key", secret=secret), KeyFormatError)
    if refused(key):
        if secret:  # a secret key's characters are never repeated in a message
            said = str(key).replace("server key", "")  # the label we gave it is not the key
            assert not any(
                len(part) >= 5 and part in said
                for part in (text.strip()[i : i + 5] for i in range(0, len(text.strip()), 5))
            )
    else:
        assert len(key) == 40 and key == text.strip()


@fuzz(100)
@given(
    JUNK_TEXT
    | st.sampled_from(
        [
            "127.0.0.1",
            "10.0.0.0/8",
            "::1",
            "fe80::1%eth0",
            "1.2.3.4/33",
            "1.2.3.4/",
            "::ffff:1.2.3.4",
            "",
            "*",
        ]
    )
)
def test_any_address_entry_is_a_network_or_refused_in_words(text):
    outcome(lambda: parse_address(text), ValueError)
