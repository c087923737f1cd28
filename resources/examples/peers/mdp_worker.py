"""A Majordomo (MDP/0.1) echo worker as a zinspect script (docs/scripting.md).

It stands on a DEALER connected to a broker: READY once, a REPLY to each REQUEST carrying
the client's address from the request, nothing to the broker's heartbeats, and a heartbeat
of its own on a timer.
"""

WORKER = b"MDPW01"
READY, REQUEST, REPLY, HEARTBEAT = b"\x01", b"\x02", b"\x03", b"\x04"
HEARTBEAT_SECONDS = 2.5


def on_start(peer):
    peer.send([b"", WORKER, READY, b"echo"])
    peer.state["beat"] = peer.every(HEARTBEAT_SECONDS, lambda: peer.send([b"", WORKER, HEARTBEAT]))
    peer.log(f"{peer.name} ({peer.type}) is ready for service echo")


def on_message(peer, frames):
    # from the broker: ["", MDPW01, command, ...]; a request: [..., REQUEST, client, "", body...]
    if len(frames) < 3 or frames[1] != WORKER:
        return
    if frames[2] == REQUEST and len(frames) >= 5:
        client, body = frames[3], frames[5:]
        peer.send([b"", WORKER, REPLY, client, b"", *body])
        peer.state["answered"] = peer.state.get("answered", 0) + 1
    # HEARTBEAT from the broker: answered by nothing (answering it is what made the storm)


def on_stop(peer):
    peer.log(f"answered {peer.state.get('answered', 0)} requests")
