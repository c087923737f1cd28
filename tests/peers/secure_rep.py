"""A REP server with CURVE or PLAIN security that answers requests and reports its
connection events, for the security tests.

    python secure_rep.py ENDPOINT [--cert FILE] [--plain USER:PASSWORD] [--count N]
                         [--timeout S]

Binds a REP socket. With --cert (its secret certificate, pyzmq's format) it is a CURVE server
that accepts any client key. With --plain it is a PLAIN server whose only user is USER with
PASSWORD, checked by pyzmq's ThreadAuthenticator (a thread is fine here: no Qt in this
process). Prints ``ready <resolved endpoint>``, then ``event NAME VALUE`` for each connection
event of its socket, ``Received request: TEXT`` for each request (answered "World"), and
exits 0 after --count requests, 1 at --timeout.
"""

from __future__ import annotations

import argparse
import sys
import time

import zmq
import zmq.auth
from zmq.auth.thread import ThreadAuthenticator
from zmq.utils.monitor import recv_monitor_message

NAMES = {event.value: event.name.lower() for event in zmq.Event}  # 4096: handshake_succeeded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("--cert", help="the server's secret certificate file (CURVE)")
    parser.add_argument("--plain", help="the one PLAIN user, as USER:PASSWORD")
    parser.add_argument("--count", type=int, default=1, help="exit after N requests")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds until exit")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout

    context = zmq.Context()
    auth = None
    socket = context.socket(zmq.REP)
    socket.linger = 0
    if args.cert:
        public_key, secret_key = zmq.auth.load_certificate(args.cert)
        socket.curve_server = True
        socket.curve_publickey = public_key
        socket.curve_secretkey = secret_key
    elif args.plain:
        user, _, password = args.plain.partition(":")
        auth = ThreadAuthenticator(context)
        auth.start()
        auth.configure_plain(domain="*", passwords={user: password})
        socket.plain_server = True
    monitor = socket.get_monitor_socket()
    socket.bind(args.endpoint)
    print(f"ready {socket.getsockopt_string(zmq.LAST_ENDPOINT)}", flush=True)

    poller = zmq.Poller()
    poller.register(socket, zmq.POLLIN)
    poller.register(monitor, zmq.POLLIN)
    answered = 0
    status = 0
    while answered < args.count:
        remaining = deadline - time.monotonic()
        ready = dict(poller.poll(int(remaining * 1000) + 1)) if remaining > 0 else {}
        if not ready:
            print(f"timeout after {answered} requests", flush=True)
            status = 1
            break
        if monitor in ready:
            event = recv_monitor_message(monitor)
            name = NAMES.get(int(event["event"]), str(event["event"]))
            print(f"event {name} {event['value']}", flush=True)
        if socket in ready:
            request = socket.recv_string()
            print(f"Received request: {request}", flush=True)
            socket.send_string("World")
            answered += 1
    print(f"answered {answered}", flush=True)
    socket.disable_monitor()
    monitor.close()
    socket.close()
    if auth is not None:
        auth.stop()
    context.term()
    return status


if __name__ == "__main__":
    sys.exit(main())
