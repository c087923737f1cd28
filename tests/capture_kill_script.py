"""Records its own traffic until it is killed: the subject of the kill -9 test.

    python capture_kill_script.py CAPTURE_FILE [--tick S] [--seconds S]

A Session on a plain asyncio loop (no Qt) with a PUSH sending numbered two-frame messages to
a PULL over inproc, and a Recorder writing all of it to CAPTURE_FILE every --tick seconds
(default 0.02; the app records every core.recorder.TICK_SECONDS). It prints ``ready`` once
the first messages are in the file, then ``flushed N`` whenever the file holds at least N
messages (the recorder flushes what it writes in the same turn of the loop) and ``received
N`` whenever the PULL has received N messages. It never exits by itself before --seconds
(default 30): the test kills it.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from zinspect.core.capture.recorder import Recorder
from zinspect.core.sockets.session import Session

BATCH = 200


async def run(path: str, seconds: float, tick: float) -> None:
    session = Session()
    pull = session.create_socket("PULL")
    push = session.create_socket("PUSH")
    push.connect(pull.bind("inproc://capture-kill").address)
    recorder = Recorder(session.store, path, tick=tick)
    recorder.start()
    deadline = time.monotonic() + seconds
    number = 0
    reported = received = 0
    while time.monotonic() < deadline:
        for _ in range(BATCH):
            await push.send([b"%d" % number, b"payload " * 8])
            number += 1
        await asyncio.sleep(0.002)  # the loop runs the drain and the recorder's timer
        if pull.received > received:
            received = pull.received
            print(f"received {received}", flush=True)
        if recorder.written > reported:
            if not reported:
                print("ready", flush=True)
            reported = recorder.written
            print(f"flushed {reported}", flush=True)
    recorder.stop()
    session.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--tick", type=float, default=0.02, help="the recorder's tick")
    args = parser.parse_args()
    asyncio.run(run(args.path, args.seconds, args.tick))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
