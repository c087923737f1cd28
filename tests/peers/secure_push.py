"""A PUSH client with NULL, PLAIN or CURVE security that sends N messages and reports its
connection events, for the security tests.

    python secure_push.py ENDPOINT N [--server-key KEY] [--cert FILE] [--plain USER:PASSWORD]
                          [--timeout S]

Connects a PUSH socket. With --server-key it is a CURVE client: its own key pair comes from
--cert (a secret certificate, pyzmq's format) or is generated. With --plain it is a PLAIN
client. Prints ``ready ENDPOINT``, ``public KEY`` (its CURVE public key, or ``public -``),
queues "msg 0" ... "msg N-1" and prints ``sent N``, then prints every connection event of
its socket as ``event NAME VALUE`` (from pyzmq's socket monitor) until the handshake
succeeds (then lets the messages leave and exits 0) or --timeout passes (exits 1).
"""

from __future__ import annotations

import argparse
import sys
import time

import zmq
import zmq.auth
from zmq.utils.monitor import recv_monitor_message

NAMES = {event.value: event.name.lower() for event in zmq.Event}  # 4096: handshake_succeeded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("count", type=int)
    parser.add_argument("--server-key", help="the CURVE server's public key (Z85)")
    parser.add_argument("--cert", help="this client's secret certificate file")
    parser.add_argument("--plain", help="PLAIN credentials as USER:PASSWORD")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds until giving up")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout

    context = zmq.Context()
    socket = context.socket(zmq.PUSH)
    socket.linger = 0
    public = "-"
    if args.server_key:
        if args.cert:
            public_key, secret_key = zmq.auth.load_certificate(args.cert)
        else:
            public_key, secret_key = zmq.curve_keypair()
        socket.curve_publickey = public_key
        socket.curve_secretkey = secret_key
        socket.curve_serverkey = args.server_key.encode("ascii")
        public = public_key.decode("ascii")
    elif args.plain:
        user, _, password = args.plain.partition(":")
        socket.plain_username = user.encode("utf-8")
        socket.plain_password = password.encode("utf-8")
    monitor = socket.get_monitor_socket()
    socket.connect(args.endpoint)
    print(f"ready {args.endpoint}", flush=True)
    print(f"public {public}", flush=True)
    for number in range(args.count):
        socket.send_string(f"msg {number}")  # queued in the pipe until the handshake is done
    print(f"sent {args.count}", flush=True)

    status = 1
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not monitor.poll(int(remaining * 1000) + 1):
            print("timeout", flush=True)
            break
        event = recv_monitor_message(monitor)
        name = NAMES.get(int(event["event"]), str(event["event"]))
        print(f"event {name} {event['value']}", flush=True)
        if name == "handshake_succeeded":
            status = 0
            break
    socket.disable_monitor()
    monitor.close()
    socket.linger = max(0, int((deadline - time.monotonic()) * 1000))
    socket.close()  # lets the queued messages leave, at most until the deadline
    context.term()
    return status


if __name__ == "__main__":
    sys.exit(main())
