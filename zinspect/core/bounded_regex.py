"""A regular expression the user typed, which can neither freeze the window nor exhaust memory.

Python's ``re`` backtracks without limit and holds the GIL while it does: ``(.|.)*Z`` over
a 90-byte message tries 2**90 ways, and no signal (not even SIGTERM) is handled meanwhile.
So the expression is compiled by ``regex`` (mrab-regex, in its version 0 mode, which reads
``re``'s syntax), whose searches take a ``timeout``: one search over one text gives up after
``SEARCH_TIMEOUT_S`` and says so with ``RegexTooSlowError``, and the caller stops using the
expression. ``regex`` counts that time as the process's CPU time (all its threads).

``regex`` writes a counted repeat out in full when it compiles (``a{1000000}`` takes half a
second and 270 MB; nested counts multiply, and ``(?:ab|cd){200000}`` crashed the process),
so an expression is measured before it is compiled: at most ``MAX_CHARACTERS`` characters,
and at most ``MAX_ITEMS`` items once every count is multiplied out (``expanded_size``).
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from typing import cast

import regex

SEARCH_TIMEOUT_S = 0.04  # one search of one text; a turn of the loop may add it to its 16 ms
MAX_CHARACTERS = 4000
MAX_ITEMS = 10_000  # ~13 ms and 3 MB to compile a{10000}; nothing near the crash
_FLAGS = regex.VERSION0 | regex.IGNORECASE | regex.MULTILINE
_QUANTIFIER = regex.compile(r"\{(\d*)(?:,(\d*))?\}")
_COUNT_DIGITS = 9
_VERBOSE_FLAG = regex.compile(r"\(\?[a-zA-Z-]*x")


class RegexError(ValueError):
    """The expression cannot be used; the message is a sentence for the user."""


class RegexTooSlowError(RegexError):
    """A search ran past its time: the expression backtracks catastrophically on that text."""

    def __init__(self, where: str = "") -> None:
        super().__init__(too_slow_words(where))


def too_slow_words(where: str = "") -> str:
    """Why an expression that ran out of time did, and how to write it instead; ``where``
    names the text it was searching ("on message #12")."""
    limit = f"{SEARCH_TIMEOUT_S * 1000:.0f} ms"
    place = f" {where}" if where else ""
    return (
        f"This regular expression takes too long: over {limit}{place}. It backtracks "
        "catastrophically (a repeated group that can match the same text in several ways, "
        "like (.|.)* or (a+)+, tries exponentially many ways). Simplify it: .* instead of "
        "(.|.)*, a+ instead of (a+)+."
    )


class BoundedRegex:
    """A compiled expression (case-insensitive; ``^`` and ``$`` at each line) whose every
    search is bounded in time; RegexError, in words, when ``text`` cannot be one."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._pattern = _compiled(text)

    def span(self, text: str, timeout: float = SEARCH_TIMEOUT_S) -> tuple[int, int] | None:
        """Where the expression first matches ``text``, or None; RegexTooSlowError when the
        search takes over ``timeout`` seconds."""
        try:
            found = self._pattern.search(text, timeout=timeout)
        except TimeoutError:
            raise RegexTooSlowError() from None
        return None if found is None else cast("tuple[int, int]", found.span())

    def found(self, text: str) -> bool:
        """Whether the expression matches ``text`` (RegexTooSlowError as ``span``)."""
        return self.span(text) is not None


@lru_cache(maxsize=8)
def _compiled(text: str) -> regex.Pattern:
    """The compiled expression. The filter bar compiles the same text several times in a
    row (to check it, then to use it); ``regex``'s own cache would keep 500 of them, and a
    pattern near the size limit holds megabytes, so this small cache does it instead."""
    return _checked(text, text, _FLAGS)


@lru_cache(maxsize=8)
def bytes_pattern(text: str) -> regex.Pattern:
    """``text`` as a case-sensitive expression over bytes (a reply rule's frame test), with
    the same limits as the filter's; its searches take ``timeout=SEARCH_TIMEOUT_S`` (a
    TimeoutError past it). RegexError, in words, when it cannot be one. Cached as the
    filter's: a rule's expression is checked when read, then compiled for its test."""
    try:
        source = text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise RegexError(f"Invalid regular expression: {error}") from None
    return _checked(text, source, regex.VERSION0)


def _checked(text: str, source: str | bytes, flags: int) -> regex.Pattern:
    if len(text) > MAX_CHARACTERS:
        raise RegexError(
            f"Invalid regular expression: longer than {MAX_CHARACTERS:,} characters ({len(text):,})"
        )
    if expanded_size(text) > MAX_ITEMS:
        raise RegexError(
            "Invalid regular expression: its counted repeats make it too large (over "
            f"{MAX_ITEMS:,} items once counts such as {{1000}} are multiplied out); use "
            "smaller counts, or * and + instead"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a warning is a mistake worth saying
            return regex.compile(source, flags, cache_pattern=False)
    except regex.error as error:
        where = f" at position {error.pos + 1}" if error.pos is not None else ""
        raise RegexError(f"Invalid regular expression: {error.msg}{where}") from None
    except Warning as warning:
        raise RegexError(f"Invalid regular expression: {warning}") from None
    except RecursionError:  # (((((...
        raise RegexError("Invalid regular expression: nested too deeply") from None
    except (ValueError, OverflowError) as error:  # (?V1): flags that cannot go together
        raise RegexError(f"Invalid regular expression: {error}") from None


def expanded_size(text: str) -> int:
    """About how many items ``regex`` makes of ``text``: each character, class or escape
    counts one, a group the sum of its contents, and a repeat ``{m}``/``{m,n}``/``{m,}``
    multiplies what it repeats by m (what ``regex`` writes out; the rest it counts while
    matching). Generous rather than exact: where ``(?x)`` may make spaces and ``#`` comments
    mean nothing, the text is also read that way and the larger answer counts."""
    plain = _walk(text, verbose=False)
    return max(plain, _walk(text, verbose=True)) if _VERBOSE_FLAG.search(text) else plain


def _walk(text: str, verbose: bool) -> int:
    stack: list[int] = [0]  # the size of each open group so far, outermost first
    last = 0  # the size of the item a quantifier would repeat
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char.isspace() and verbose:
            index += 1
            continue
        if char == "#" and verbose:
            index = _after(text, index, "\n")
            continue
        if char.isspace():  # never lowers what a quantifier repeats: (?x) may ignore it
            last = max(last, 1)
            stack[-1] += 1
            index += 1
            continue
        if text.startswith("(?#", index):  # a comment
            index = _after(text, index, ")")
            continue
        if char == "(":
            stack.append(0)
            index += 1
            continue
        if char == ")":
            if len(stack) > 1:
                last = stack.pop() + 1
                stack[-1] += last
            index += 1
            continue
        if char == "{":
            quantifier = _QUANTIFIER.match(text, index)
            if quantifier is not None:
                count = _count(quantifier.group(1))
                if count > 1:
                    stack[-1] += last * (count - 1)
                    last *= count
                if stack[-1] > MAX_ITEMS:
                    return stack[-1]
                index = quantifier.end()
                continue
        if char == "\\":
            index += 2
            if index < length and text[index] == "{" and text[index - 1] in "pPN":
                index = _after(text, index, "}")  # \p{L}, \N{NAME}: no repeat count
        elif char == "[":
            index = _class_end(text, index + 1)
        else:
            index += 1
        last = 1
        stack[-1] += 1
    return sum(stack)


def _count(digits: str) -> int:
    """A repeat's lower count (``int`` refuses 5,000 digits; any 10 are too many anyway)."""
    if len(digits) > _COUNT_DIGITS:
        return MAX_ITEMS + 1
    return int(digits) if digits else 0


def _after(text: str, index: int, closer: str) -> int:
    """The index past the next ``closer`` from ``index`` (the end when there is none)."""
    found = text.find(closer, index)
    return len(text) if found < 0 else found + 1


def _class_end(text: str, index: int) -> int:
    """The index past a character class whose ``[`` ends at ``index``: a leading ``^`` and
    ``]`` are members, a backslash escapes the next character."""
    length = len(text)
    if index < length and text[index] == "^":
        index += 1
    if index < length and text[index] == "]":
        index += 1
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
        elif char == "]":
            return index + 1
        else:
            index += 1
    return length
