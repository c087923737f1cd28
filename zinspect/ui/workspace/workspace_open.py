"""Opening a workspace a slice of sockets per turn of the loop, so 1,000 sockets never freeze
the window.

Creating a socket (a zmq socket, its monitor, its FD watch, a row in every panel that lists
sockets) costs about a millisecond here; a workspace of 1,000 held the window for over a
second. workspace_switch runs core.workspace.apply's steps with ``SlicedApply``
(ui/widgets/sliced.py): the first FIRST_STEPS at once (an ordinary workspace is complete
when Open returns), then for at most SLICE_S per turn. What follows the last socket
(showing the first one's forms, marking the workspace clean: each 25-45 ms with 1,000
sockets) may be a generator too: once the open went on over turns, each of its steps gets a
turn of its own.
"""

from __future__ import annotations

FIRST_STEPS = 32  # sockets (and automations) made before Open returns
SLICE_S = 0.008  # then work per turn of the loop (what else runs between ticks adds to it)
