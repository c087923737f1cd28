"""``zinspect probe tcp://host:port``: what answers at an endpoint, in one line.

The probe (core.pcap.probe) opens a raw TCP connection, sends a ZMTP greeting and reports
the ZMTP version, the mechanism, and for NULL the socket type and identity; or that nothing
listens there, or that what answers is not ZeroMQ. Exit status 0 when ZeroMQ answered, 1
when something else (or nothing) did, 2 for an endpoint that cannot be probed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict

from zinspect.core.pcap.probe import CONNECT_TIMEOUT_S, ProbeError, run_probe

PROG = "zinspect probe"


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Say what answers at a tcp:// endpoint: ZeroMQ or not, and how."
    )
    parser.add_argument("endpoint", metavar="ENDPOINT", help="tcp://host:port")
    parser.add_argument(
        "--timeout", type=float, default=CONNECT_TIMEOUT_S, help="seconds to wait to connect"
    )
    parser.add_argument("--json", action="store_true", help="the result as one JSON object")
    args = parser.parse_args(list(argv))
    if not 0 < args.timeout <= 600:
        print(f"{PROG}: the timeout is in seconds, from 0 to 600", file=sys.stderr)
        return 2
    try:
        result = run_probe(args.endpoint, args.timeout)
    except ProbeError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    if args.json:
        fields = asdict(result)
        fields["identity"] = result.identity.hex()
        print(json.dumps(fields))
    else:
        print(result.text)
    return 0 if result.zeromq else 1
