"""The structural diff of two decoded values: the paths whose values changed, were added or
were removed, named as FieldPath text (``f2.readings[3]``, ``f1["content-type"]``).

Decoded values are JSON-like (dict, list, str, numbers, bool, None, bytes) and may be nested
hundreds deep, so the walk keeps its own stack instead of recursing, and it stops after a
budget of values with the rest said, never raising whatever the two values are. Paths of
removed list items count in A, of added ones in B.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Hashable

from zinspect.core.decode.decoder import value_text
from zinspect.core.explore.diff_model import ADDED, MODIFIED, REMOVED, Budget, ValueChange
from zinspect.core.explore.fields import FieldPath

ALIGN_PAIRS = 250_000  # items of A times items of B: at most this, two lists are aligned
_Keys = tuple[str | int, ...]
_Step = tuple[_Keys, object, object, str | None]


def same_value(a: object, b: object) -> bool:
    """Equal as a user reads decoded values: the same type of scalar with the same value
    (1 is not true, 1.0 is not 1), NaN equal to NaN; containers compared by ==."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    try:
        return bool(a == b)
    except RecursionError:  # nested past what == can walk: let the diff walk it
        return False


def diff_values(
    a: object, b: object, frame: int, budget: Budget
) -> tuple[list[ValueChange], int, bool]:
    """(changes listed, changes found but not listed, whether the value budget ran out).
    Changes come in A's order of keys, then the keys only B has."""
    changes: list[ValueChange] = []
    omitted = 0
    # (keys, old, new, kind): kind None compares the two, a kind notes a change
    stack: list[_Step] = [((), a, b, None)]
    while stack:
        if budget.values <= 0:
            return changes, omitted, True
        keys, old, new, kind = stack.pop()
        if kind is not None:
            if budget.take():
                changes.append(ValueChange(kind, FieldPath(frame, keys).text(), old, new))
            else:
                omitted += 1
            continue
        budget.values -= 1
        if same_value(old, new):
            continue
        pending: list[_Step] = []
        if isinstance(old, dict) and isinstance(new, dict):
            for key, inner in old.items():
                path = (*keys, str(key))
                if key in new:
                    pending.append((path, inner, new[key], None))
                else:
                    pending.append((path, inner, None, REMOVED))
            pending.extend(
                ((*keys, str(key)), None, inner, ADDED)
                for key, inner in new.items()
                if key not in old
            )
        elif isinstance(old, list) and isinstance(new, list):
            budget.values -= _pair_lists(keys, old, new, pending)
        else:
            pending.append((keys, old, new, MODIFIED))
        stack.extend(reversed(pending))  # popped in order
    return changes, omitted, False


def _pair_lists(keys: _Keys, old: list[object], new: list[object], pending: list[_Step]) -> int:
    """Items at the same index compared; lists of different lengths aligned first (an item
    inserted at the front is one item added, not every item changed). Returns the cost of
    aligning in values: difflib's worst case grows with the product of the lengths."""
    pairs = len(old) * len(new)
    if len(old) == len(new) or pairs > ALIGN_PAIRS:
        common = min(len(old), len(new))
        pending.extend(((*keys, i), old[i], new[i], None) for i in range(common))
        pending.extend(((*keys, i), old[i], None, REMOVED) for i in range(common, len(old)))
        pending.extend(((*keys, i), None, new[i], ADDED) for i in range(common, len(new)))
        return 0
    matcher = difflib.SequenceMatcher(
        None, [_fingerprint(x) for x in old], [_fingerprint(x) for x in new], autojunk=False
    )
    for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
        paired = min(i2 - i1, j2 - j1)
        pending.extend(((*keys, i1 + k), old[i1 + k], new[j1 + k], None) for k in range(paired))
        pending.extend(((*keys, i), old[i], None, REMOVED) for i in range(i1 + paired, i2))
        pending.extend(((*keys, j), None, new[j], ADDED) for j in range(j1 + paired, j2))
    return pairs // 3


def _fingerprint(item: object) -> Hashable:
    """A short stand-in for aligning list items: equal items always get equal ones."""
    if isinstance(item, (dict, list)):
        return (type(item).__name__, len(item), value_text(item, 120))
    if isinstance(item, float) and math.isnan(item):
        return ("float", "nan")
    return (type(item).__name__, item if isinstance(item, Hashable) else repr(item))
