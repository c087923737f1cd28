"""The soak's peers (benchmarks/soak.py): plain pyzmq processes, no Qt and no zinspect, that
number what they send, so the soak can check that what zinspect kept of each peer is
exactly its newest messages, gap-free. (One big message comes from peers.py ``big``.)

    python soak_peers.py push ENDPOINT NAME [--count N] [--rate R] [--seconds S]
                         [--size B] [--frames F] [--pub]
    python soak_peers.py req ENDPOINT NAME --seconds S [--rate R]
    python soak_peers.py rep ENDPOINT [--seconds S]

``push`` connects a PUSH (a PUB with ``--pub``) and sends message 0, 1, 2... until COUNT
messages or SECONDS have gone, at RATE messages a second (0: as fast as the socket takes
them). Message ``i`` starts with the frame ``b"NAME i|"`` (padded with dots to SIZE bytes
when it is the only frame; else FRAMES-1 more frames carry the rest of SIZE). A PUSH blocks
at the high-water mark, so nothing is lost on the way; a PUB drops there, as PUB does.
It prints ``ready``, then ``sent N`` when done, and lingers until the queue has left.

``req`` connects a REQ and asks ``b"NAME i"`` at RATE a second for SECONDS, expecting each
request echoed back; it prints ``sent N replies M bad K``. ``rep`` connects a REP that echoes
every request until one is ``STOP`` (answered ``bye``); it prints ``received N``.

Every mode prints ``ready`` first and exits by itself (status 1 when it gave up waiting).
"""

from __future__ import annotations

import argparse
import sys
import time

import zmq

WAIT_S = 60.0  # a send or a reply that waits longer than this ends the peer (status 1)


def message_maker(name: str, size: int, frames: int):
    """A function seq -> frames of message ``seq``."""
    prefix = name.encode() + b" "
    if frames <= 1:
        padding = b"." * size

        def one(seq: int) -> list[bytes]:
            head = b"%s%d|" % (prefix, seq)
            return [head + padding[len(head) :]]

        return one
    body = max(0, size - len(prefix) - 8) // (frames - 1)
    rest = [(b"part%d:" % index + b"b" * body)[:body] for index in range(1, frames)]

    def many(seq: int) -> list[bytes]:
        return [b"%s%d|" % (prefix, seq), *rest]

    return many


def push(args: argparse.Namespace) -> int:
    context = zmq.Context()
    sock = context.socket(zmq.PUB if args.pub else zmq.PUSH)
    sock.sndtimeo = int(WAIT_S * 1000)
    sock.linger = int(WAIT_S * 1000)
    sock.connect(args.endpoint)
    print("ready", flush=True)
    make = message_maker(args.name, args.size, args.frames)
    send_many = sock.send_multipart
    send_one = sock.send

    def send(frames: list[bytes]) -> None:
        if len(frames) == 1:
            send_one(frames[0])
        else:
            send_many(frames)

    count = args.count or sys.maxsize
    started = time.monotonic()
    stop_at = started + args.seconds if args.seconds else float("inf")
    sent = 0
    status = 0
    try:
        while sent < count:
            now = time.monotonic()
            if now >= stop_at:
                break
            if args.rate:
                due = min(count, int((now - started) * args.rate) + 1) - sent
                if due <= 0:
                    time.sleep(min(0.005, 1 / args.rate))
                    continue
            else:
                due = min(count - sent, 1024)
            for _ in range(due):
                send(make(sent))
                sent += 1
    except zmq.Again:
        print(f"timeout after {sent} messages", flush=True)
        status = 1
    print(f"sent {sent}", flush=True)
    sock.close()  # lingers until the queue has left (WAIT_S at most)
    context.term()
    return status


def req(args: argparse.Namespace) -> int:
    context = zmq.Context()
    sock = context.socket(zmq.REQ)
    sock.linger = 0
    sock.connect(args.endpoint)
    print("ready", flush=True)
    started = time.monotonic()
    sent = replies = bad = 0
    status = 0
    while time.monotonic() - started < args.seconds:
        request = b"%s %d" % (args.name.encode(), sent)
        sock.send(request)
        sent += 1
        if not sock.poll(int(WAIT_S * 1000)):
            print(f"no reply to request {sent - 1}", flush=True)
            status = 1
            break
        replies += 1
        if sock.recv_multipart() != [request]:
            bad += 1
        if args.rate:
            time.sleep(max(0.0, started + sent / args.rate - time.monotonic()))
    print(f"sent {sent} replies {replies} bad {bad}", flush=True)
    sock.close()
    context.term()
    return status if not bad else 1


def rep(args: argparse.Namespace) -> int:
    context = zmq.Context()
    sock = context.socket(zmq.REP)
    sock.linger = int(WAIT_S * 1000)
    sock.connect(args.endpoint)
    print("ready", flush=True)
    deadline = time.monotonic() + args.seconds
    received = 0
    status = 1
    while time.monotonic() < deadline:
        if not sock.poll(200):
            continue
        request = sock.recv_multipart()
        received += 1
        if request == [b"STOP"]:
            sock.send(b"bye")
            status = 0
            break
        sock.send_multipart(request)
    print(f"received {received}", flush=True)
    sock.close()
    context.term()
    return status


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    modes = parser.add_subparsers(dest="mode", required=True)
    p = modes.add_parser("push")
    p.add_argument("endpoint")
    p.add_argument("name")
    p.add_argument("--count", type=int, default=0, help="messages to send (0: no limit)")
    p.add_argument("--rate", type=float, default=0, help="messages a second (0: flat out)")
    p.add_argument("--seconds", type=float, default=0, help="stop after (0: no limit)")
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--frames", type=int, default=1)
    p.add_argument("--pub", action="store_true", help="a PUB instead of a PUSH")
    p = modes.add_parser("req")
    p.add_argument("endpoint")
    p.add_argument("name")
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--rate", type=float, default=0)
    p = modes.add_parser("rep")
    p.add_argument("endpoint")
    p.add_argument("--seconds", type=float, default=3600)
    args = parser.parse_args(argv)
    if args.mode == "push" and not (args.count or args.seconds):
        parser.error("push needs --count or --seconds")
    return {"push": push, "req": req, "rep": rep}[args.mode](args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
