"""Weather update SUB client from the ZeroMQ guide, bounded in time for tests.

    python sub_client.py ENDPOINT TOPIC N [--bind] [--timeout S]

Connects a SUB socket (binds with --bind), subscribes to TOPIC ("" means everything), prints
``ready`` and then every message as ``received <frames joined by ' | '>``. For weather
updates ("zip temperature humidity") it ends like the guide with the average temperature.
Exits 0 after N messages, 1 when --timeout seconds pass first.
"""

from __future__ import annotations

import argparse
import sys
import time

import zmq


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("topic")
    parser.add_argument("count", type=int)
    parser.add_argument("--bind", action="store_true", help="bind instead of connect")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds until giving up")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout

    context = zmq.Context()
    socket = context.socket(zmq.SUB)
    socket.linger = 0
    if args.bind:
        socket.bind(args.endpoint)
        endpoint = socket.getsockopt_string(zmq.LAST_ENDPOINT)
    else:
        print("Collecting updates from weather server...", flush=True)
        socket.connect(args.endpoint)
        endpoint = args.endpoint
    socket.setsockopt_string(zmq.SUBSCRIBE, args.topic)
    print(f"ready {endpoint}", flush=True)

    status = 0
    total_temp = 0
    weather = 0
    for update_nbr in range(args.count):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not socket.poll(int(remaining * 1000) + 1):
            print(f"timeout after {update_nbr} messages", flush=True)
            status = 1
            break
        frames = socket.recv_multipart()
        text = " | ".join(frame.decode("utf-8", "backslashreplace") for frame in frames)
        print(f"received {text}", flush=True)
        fields = text.split()
        if len(frames) == 1 and len(fields) == 3 and fields[1].lstrip("-").isdigit():
            total_temp += int(fields[1])
            weather += 1
    else:
        print(f"done {args.count}", flush=True)
    if weather:
        print(
            f"Average temperature for zipcode '{args.topic}' was {total_temp / weather} F",
            flush=True,
        )
    socket.close()
    context.term()
    return status


if __name__ == "__main__":
    sys.exit(main())
