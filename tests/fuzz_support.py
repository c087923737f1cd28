"""Shared pieces of the fuzz tests (tests/test_fuzz_*.py): the hypothesis settings, the
"refused in words" check, two CURVE key pairs, and strategies for the nasty inputs every
parser must survive (lone surrogates, JSON nested a thousand deep, numbers of 5,000 digits).

The property of every parser is the same: a valid result, or zinspect's own error whose
message is a sentence; never another exception, never a hang. ``outcome`` checks the first
half (any other exception propagates and fails the test); the deadline in FUZZ checks the
second: every input here is bounded and takes milliseconds, so an example that runs past
DEADLINE is a hang or a quadratic blow-up, not a slow machine (1 s leaves room for a busy
2-core CI box; the quadratic option parser this found took 10 s on one input).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

DEADLINE = timedelta(seconds=1)


# ZINSPECT_FUZZ_SCALE=20 runs every fuzz test with 20 times its examples (a deeper run by
# hand or at night; the default keeps both fuzz files under 20 s on 2 cores).
SCALE = float(os.environ.get("ZINSPECT_FUZZ_SCALE", "1") or 1)


def fuzz(examples: int) -> settings:
    """Settings for a fuzz test: ``examples`` inputs (times SCALE), each within DEADLINE, no
    database (the suite runs on machines where a stored failing example would only confuse)."""
    return settings(
        max_examples=max(1, round(examples * SCALE)),
        deadline=DEADLINE,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
        ],
    )


# What a message must not look like: Python talking, not zinspect.
_PYTHON_TEXT = re.compile(
    r"Traceback|NoneType|object has no attribute|not subscriptable|unhashable type"
    r"|invalid literal for|codec can't|maximum recursion|set_int_max_str_digits"
    r"|object is not|positional argument|unsupported operand|<\w+ object at 0x"
    r"|^\w*(Error|Exception)\b|^'[^']*'$"
)


def assert_in_words(error: BaseException) -> None:
    """``error``'s message is a sentence for a person: not empty, not a repr, not Python's
    own wording (``KeyError: 'x'``, ``'NoneType' object ...``, ``invalid literal for int``)."""
    text = str(error)
    name = type(error).__name__
    assert text.strip(), f"{name} with an empty message"
    assert not _PYTHON_TEXT.search(text), f"{name}: {text!r} reads like Python, not words"
    assert re.search(r"[A-Za-z]{2,}", text), f"{name}: {text!r} has no words"


def outcome(call: Callable[[], Any], *allowed: type[BaseException]) -> Any:
    """``call()``, or the ``allowed`` error it raised (checked to be in words). Any other
    exception is not caught: it fails the test."""
    try:
        return call()
    except allowed as error:
        assert_in_words(error)
        return error


def refused(result: Any) -> bool:
    return isinstance(result, BaseException)


# -- strategies ---------------------------------------------------------------------------------
# Characters that break parsers: braces, separators, digits that are not ASCII (superscript
# two, Arabic-Indic five), blanks that are not spaces, NUL, a lone surrogate, an emoji.
JUNK_CHARS = list("{}[]()<>:;/\\%*@#.,'\"=+-_ \t\n0123456789xX") + [
    "\x00",
    "\x7f",
    "\u00b2",
    "\u0665",
    "\u2028",
    "\u00a0",
    "\ufeff",
    "\ud800",
    "\udfff",
    "\U0001f600",
    "é",
    "ß",
]
# Any code point, surrogates included (hypothesis leaves those out unless asked).
ANY_CHAR = st.characters(exclude_categories=())
JUNK_TEXT = st.text(st.sampled_from(JUNK_CHARS) | ANY_CHAR, max_size=30)
# A few junk characters to put into or between the pieces of a valid value.
PIECE_JUNK = st.text(st.sampled_from(JUNK_CHARS), max_size=4)

# Two CURVE key pairs (made once with zmq.curve_keypair) for near-valid security objects
# and workspaces (tests/test_fuzz_options_security.py, tests/test_fuzz_workspace.py).
PUBLIC_1, SECRET_1 = (
    "u]/DnSakgLI(]jE-=hs51*y^TxV-J6AmeU)kJ=k=",
    "<gGSMSXH]a]y=3j5A%O!ZgqDh+f[J8Z3C>iQTzab",
)
PUBLIC_2, SECRET_2 = (
    "NxUQy-#iidWqffS^nSN=u#W6-r]JgfbSn1-RL9i3",
    "clC[e2FjPk!I@k}FQGMDB1t(8dw=N9xafp**^TnF",
)


def nested(depth: int, inner: str = "") -> str:
    return "[" * depth + inner + "]" * depth


# JSON texts that trip decoders rather than being merely wrong.
NASTY_JSON_TEXTS = st.sampled_from(
    [
        '"\\ud800"',
        '{"a": "\\udfff"}',
        "NaN",
        "-Infinity",
        "1e400",
        "-0",
        "1" * 5000,
        "-" + "9" * 4400,
        "0." + "1" * 5000,
        nested(5000),
        nested(995),
        nested(990),
        nested(500),
        '{"a":' * 3000,
        "[" * 100000,
        "\ufeff{}",
        "{}\x00",
        '"\x00"',
        "[1,]",
        "{'a': 1}",
    ]
) | st.integers(0, 3000).map(nested)


def nest_value(depth: int) -> Any:
    """A list nested ``depth`` deep: ``[[[]]]`` is 2."""
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


# JSON values as json.loads makes them: any text (surrogates too: JSON's "\ud800" escape
# gives one), any number (huge ints, NaN, infinities), and containers.
JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**4000), max_value=10**4000)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(ANY_CHAR, max_size=12)
    | st.sampled_from(["", "x", "*", "{seq}"])
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(ANY_CHAR, max_size=8), children, max_size=4)
    ),
    max_leaves=10,
) | st.integers(0, 1200).map(nest_value)


def json_paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a JSON document (the root too), as key/index tuples."""
    paths = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            paths += json_paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            paths += json_paths(child, prefix + (index,))
    return paths


def _copy(value: Any) -> Any:
    return json.loads(json.dumps(value))


@st.composite
def mutated(draw: st.DrawFn, document: Any) -> Any:
    """``document`` with one place changed: replaced by any JSON value, removed, or given an
    extra key; so every check of a parser is reached by input that is nearly right."""
    copy = _copy(document)
    paths = json_paths(copy)
    path = draw(st.sampled_from(paths))
    how = draw(st.sampled_from(["replace", "replace", "remove", "add_key"]))
    value = draw(JSON_VALUES)
    if not path:
        return (
            value
            if how != "add_key" or not isinstance(copy, dict)
            else {**copy, draw(st.text(max_size=8)): value}
        )
    parent = copy
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how == "remove":
        del parent[last]
    elif how == "add_key" and isinstance(parent[last], dict):
        parent[last][draw(st.text(ANY_CHAR, max_size=8))] = value
    else:
        parent[last] = value
    return copy


def text_mutation(text: str) -> st.SearchStrategy[str]:
    """``text`` with a character inserted, deleted or replaced, or cut short."""
    positions = st.integers(0, len(text))
    return st.one_of(
        st.tuples(positions, st.sampled_from(JUNK_CHARS)).map(
            lambda p: text[: p[0]] + p[1] + text[p[0] :]
        ),
        positions.map(lambda p: text[:p] + text[p + 1 :]),
        st.tuples(positions, st.sampled_from(JUNK_CHARS)).map(
            lambda p: text[: p[0]] + p[1] + text[p[0] + 1 :]
        ),
        positions.map(lambda p: text[:p]),
    )


def to_json_text(value: Any) -> str:
    """json.dumps that also writes the 1,200-deep lists of JSON_VALUES (json.dumps itself
    runs out of stack on them): a chain of one-element lists is written without recursing."""
    depth = 0
    while isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        depth += 1
        value = value[0]
    if depth:
        return "[" * depth + to_json_text(value) + "]" * depth
    if isinstance(value, list):
        return "[" + ",".join(to_json_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ",".join(f"{json.dumps(key)}:{to_json_text(item)}" for key, item in value.items())
            + "}"
        )
    return json.dumps(value)
