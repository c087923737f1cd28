"""Make the README's Latency screenshot: a REQ and a DEALER asking REP peers that answer
50 ms and 20 ms after each request (the DEALER five at a time, so its replies queue up),
a request left unanswered, and in the Gaps tab a "tick {seq}" stream that skipped numbers.

    Xvfb :99 -screen 0 1600x1000x24 &
    DISPLAY=:99 python docs/latency_screenshot.py docs/latency.png [WIDTHxHEIGHT] [--gaps FILE]

Runs the delayed REP peer from tests/peers; the sequence field is marked by typing in the
Gaps tab and clicking its button.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from zinspect.ui.main_window import MainWindow

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot import attach, create, run_in_window, take_option, wait_for

ROOT = Path(__file__).resolve().parent.parent
GAPS_OUT = take_option(sys.argv, "--gaps", "")  # a second picture, of the Gaps tab


def peer(delay_ms: int) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tests/peers/delayed_rep.py"), "tcp://127.0.0.1:*"]
        + [str(delay_ms), "--timeout", "60"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    return process, process.stdout.readline().split()[1]


async def scenario(window: MainWindow, out: Path) -> None:
    slow, slow_endpoint = peer(50)
    quick, quick_endpoint = peer(20)
    try:
        store = window.session.store
        client = create(window, "REQ", "client")
        attach(window, slow_endpoint, bind=False)
        for number in range(40):
            await client.send([b"request %d" % number])
            await wait_for(lambda n=number: client.received == n + 1)
        dealer = create(window, "DEALER", "dealer-1")
        attach(window, quick_endpoint, bind=False)
        for burst in range(8):
            for number in range(5):
                await dealer.send([b"", b"job %d.%d" % (burst, number)])
            await wait_for(lambda b=burst: dealer.received == 5 * (b + 1))
        lonely = create(window, "REQ", "lonely")
        attach(window, "tcp://127.0.0.1:9", bind=False)  # nobody there: never answered
        await lonely.send([b"anyone?"])

        pull = create(window, "PULL", "pull-1")
        attach(window, "tcp://127.0.0.1:*", bind=True)
        push = create(window, "PUSH", "push-1")
        attach(window, pull.endpoints[0].address, bind=False)
        gaps = window.latency.gaps_tab
        gaps.socket_box.setCurrentText("pull-1")
        gaps.path_edit.setText("f1[2]")
        QTest.mouseClick(gaps.mark_button, Qt.MouseButton.LeftButton)
        sent = [n for n in range(30) if n not in (7, 8, 9, 21)]
        for number in sent:
            await push.send([b"tick %d" % number])
        await wait_for(lambda: pull.received == len(sent))
        await wait_for(lambda: window.latency.gaps_tab.model.rowCount() == 2)

        window.sockets.select_socket(client)
        window.latency_dock.show()
        window.latency_dock.raise_()
        window.resizeDocks([window.latency_dock], [330], Qt.Orientation.Vertical)
        window.traffic.view.scrollToBottom()
        await asyncio.sleep(0.8)
        window.grab().save(str(out))
        print(f"saved {out} ({len(store)} messages)")
        if GAPS_OUT:
            window.latency.tabs.setCurrentWidget(gaps)
            await asyncio.sleep(0.5)
            window.grab().save(GAPS_OUT)
            print(f"saved {GAPS_OUT}")
    finally:
        for process in (slow, quick):
            process.kill()
            process.wait()


def main() -> int:
    return run_in_window(scenario, "docs/latency.png")


if __name__ == "__main__":
    raise SystemExit(main())
