"""Socket names of an opened capture kept apart from the names already in use, so two
sockets' messages never mix under one name.

The traffic table, Gaps, Topics and Latency tell sockets apart by name only. A capture
opened after live traffic (or several captures merged) may bring a name that a live socket,
the kept traffic or another of the files has already: its messages would then count as that
socket's (a false gap in its numbering, merged topic counts). A name first seen in use gets
its file's name added, ``sub-1 (rec1.jsonl)`` (and a number when that is taken too), for all
of that file's messages; the names not in use stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter
from typing import TYPE_CHECKING

from zinspect.core.rows import ROW_SOCKET

if TYPE_CHECKING:
    from zinspect.core.rows import Row

MAX_NAMES = 200_000  # names checked per open; past them a name in use by another file is not
SHOWN = 3  # renamed sockets named in the report; the others counted
_socket_of = itemgetter(ROW_SOCKET)


class ApartNames:
    """Maps each (file, socket name) of an open to the name its messages are shown under.

    ``taken``: the names in use before the open (live sockets, kept traffic). A name is
    decided the first time it is seen, then kept for every message of that file."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self._taken = set(taken)
        self._used: set[str] = set()  # the names given to this open's messages so far
        self._by_source: dict[str, dict[str, str]] = {}
        self.renamed: list[tuple[str, str, str]] = []  # (file, name in it, name shown)
        self._names = 0

    @property
    def any_taken(self) -> bool:
        """Whether names were in use before the open: with none, one file's rows keep
        their names (only another file's may need renaming)."""
        return bool(self._taken)

    def name(self, name: str, source: str) -> str:
        """The name the messages of socket ``name`` of file ``source`` are shown under."""
        known = self._by_source.setdefault(source, {})
        shown = known.get(name)
        if shown is None:
            shown = self._first_sight(name, source)
            if self._names < MAX_NAMES:  # a hostile file's millions of names stay unkept
                self._names += 1
                known[name] = shown
                self._used.add(shown)
        return shown

    def _first_sight(self, name: str, source: str) -> str:
        if name not in self._taken and name not in self._used:
            return name
        shown = f"{name} ({source})"
        number = 2
        while shown in self._taken or shown in self._used:
            shown = f"{name} ({source} {number})"
            number += 1
        if len(self.renamed) < MAX_NAMES:
            self.renamed.append((source, name, shown))
        return shown

    def rows(self, rows: list[Row], source: str) -> list[Row]:
        """``rows`` of file ``source`` with their socket names as shown (the same list when
        none changes: the names are looked at once per slice, not per row)."""
        renames = {}
        for name in dict.fromkeys(map(_socket_of, rows)):  # in the order first seen
            shown = self.name(name, source)
            if shown != name:
                renames[name] = shown
        if not renames:
            return rows
        return [(row[0], renames[row[1]], *row[2:]) if row[1] in renames else row for row in rows]

    def report(self) -> str:
        """The renamed sockets in words for the status line ('' when none was)."""
        if not self.renamed:
            return ""
        shown = ", ".join(f"{name} as '{new}'" for _source, name, new in self.renamed[:SHOWN])
        more = len(self.renamed) - SHOWN
        if more > 0:
            shown += f" and {more:,} more"
        return f"; kept apart from sockets of the same name: {shown}"
