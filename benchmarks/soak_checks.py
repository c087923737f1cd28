"""The soak's end-of-run accounting (benchmarks/soak.py): every count zinspect keeps
against every other and against what the peers say they sent.

The store counts both directions, so "received = stored + dropped" reads in + out =
stored + dropped; per socket, dropped = received + sent - stored. Numbered peers
(soak_peers.py) make it exact per peer: of each, the store must hold its newest messages,
gap-free, and a lossless socket must have received every message its peers sent (a churn
peer killed with SIGKILL: every message the soak saw arrive, its last number + 1).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from soak import Soak


def check(soak: Soak) -> dict[str, Any]:
    """Every count against every other, once the peers have stopped; failures go to
    ``soak.failures``. Returns the totals, the equation's verdict and the per-socket table."""
    store = soak.store
    handles = soak.handles
    fail = soak.failures.append
    totals = {
        "in": store.received,
        "out": store.sent,
        "stored": len(store),
        "dropped": store.dropped,
    }
    equation = totals["in"] + totals["out"] == totals["stored"] + totals["dropped"]
    if not equation:
        fail(
            f"in {totals['in']} + out {totals['out']} != stored {totals['stored']} + "
            f"dropped {totals['dropped']}"
        )
    if sum(h.received for h in handles.values()) != store.received:
        fail("the sockets' received counts do not add up to the store's")
    if sum(h.sent for h in handles.values()) != store.sent:
        fail("the sockets' sent counts do not add up to the store's")

    # one pass over what is kept: per socket, and per numbered peer (first, last, count,
    # gaps); a numbered message starts with b"NAME SEQ|"
    _first, rows = store.rows(store.first_seq, store.end_seq)
    stored = Counter(row[1] for row in rows)
    kept: dict[bytes, list[int]] = {}  # name -> [first, last, count, gaps]
    for row in rows:
        if row[1] not in ("stream", "flood", "churn", "feed") or row[2] != "in":
            continue
        head = row[4][:64].split(b"|", 1)[0]
        name, _, number = head.rpartition(b" ")
        seq = int(number)
        entry = kept.get(name)
        if entry is None:
            kept[name] = [seq, seq, 1, 0]
        else:
            entry[2] += 1
            entry[3] += seq != entry[1] + 1
            entry[1] = seq
    sockets: dict[str, dict[str, Any]] = {}
    for name, handle in handles.items():
        sockets[name] = {
            "received": handle.received,
            "sent": handle.sent,
            "stored": stored.get(name, 0),
            "dropped": handle.received + handle.sent - stored.get(name, 0),
        }
    for name in ("stream", "flood", "churn"):
        expected = 0
        known = True
        for run in soak.peers:
            if run.socket != name or not run.name or not run.lossless:
                continue
            entry = kept.get(run.name.encode())
            if entry is not None and entry[3]:
                fail(f"{run.name}: {entry[3]} gaps among its kept messages")
            if not run.killed:
                if run.sent is None:
                    known = False
                    continue
                expected += run.sent
                if entry is not None and entry[1] != run.sent - 1:
                    fail(f"{run.name}: its newest kept message is {entry[1]}, it sent {run.sent}")
            elif name == "churn":  # killed: what arrived, as on_received followed it
                arrived = soak.churn_last.get(run.name.encode(), -1) + 1
                expected += arrived
                if entry is not None and entry[1] != arrived - 1:
                    fail(f"{run.name}: its newest kept message is {entry[1]}, {arrived} arrived")
            else:
                known = False
        sockets[name]["expected"] = expected if known else None
        if known and expected != handles[name].received:
            fail(f"{name} received {handles[name].received}, its peers sent {expected}")
    if soak.churn_gaps:
        fail(f"{soak.churn_gaps} gaps in the churn peers' numbers as they arrived")
    check_pairs(soak, sockets, kept)
    status = soak.window.status
    status.refresh()
    # "dropped": what the caps dropped and no history on disk keeps (ui.status)
    dropped = store.dropped if store.history is None else store.dropped_unkept
    for text in (f"in {store.received:,}", f"stored {len(store):,}", f"dropped {dropped:,}"):
        if text not in status.text():
            fail(f"the status bar shows {status.text()!r}, not {text!r}")
    # every message kept, in memory or in the history on disk
    if soak.window.traffic.model.rowCount() != store.end_seq - store.oldest_seq:
        fail("the table does not show every stored message")
    return {"totals": totals, "equation": equation, "sockets": sockets}


def check_pairs(
    soak: Soak, sockets: dict[str, dict[str, Any]], kept: dict[bytes, list[int]]
) -> None:
    """big, rep, req and feed: what their peers say against zinspect's counts."""
    fail = soak.failures.append
    handles = soak.handles
    bigs = [run for run in soak.peers if run.kind == "big"]
    sockets["big"]["expected"] = sum(run.sent or 0 for run in bigs)
    if handles["big"].received != sockets["big"]["expected"]:
        fail(f"big received {handles['big'].received} of {len(bigs)} large messages")
    ask = next(run for run in soak.peers if run.kind == "ask")
    asked, answered = ask.said("sent"), ask.said("replies")
    sockets["rep"]["expected"] = asked
    if (asked, answered) != (handles["rep"].received, handles["rep"].sent):
        fail(
            f"rep received/sent {handles['rep'].received}/{handles['rep'].sent}, "
            f"its peer asked {asked} and got {answered} replies"
        )
    answer = next(run for run in soak.peers if run.kind == "answer")
    sockets["req"]["expected"] = answer.said("received")
    if not handles["req"].sent == handles["req"].received == answer.said("received"):
        fail(
            f"req sent {handles['req'].sent} and received {handles['req'].received}, "
            f"its peer answered {answer.said('received')}"
        )
    pubs = [run for run in soak.peers if run.socket == "feed"]
    published = sum(run.sent or 0 for run in pubs if not run.killed)
    sockets["feed"]["expected"] = None  # PUB drops at its high-water mark
    sockets["feed"]["published"] = published
    if not soak.feed2_arrived:
        fail("the SUB received nothing from the PUB that replaced the killed one")
