"""Big inputs must not freeze the window: the longest loop stall, through the real MainWindow.

    python safety_ui.py                    # both figures, each in a fresh child, as JSON
    python safety_ui.py child automation   # one scenario (what measure() runs)
    python safety_ui.py child resend

``stall_automation_frames_ms``: open a workspace whose socket's automation script has 3,000
frames, select another socket and that one again, then close every socket (what quitting
does), with a 16 ms precise timer running; the figure is its largest lateness.
``stall_resend_many_frames_ms``: a 100,000-frame message arrives, is selected, and Edit and
resend puts it in the composer; the figure is the timer's largest lateness from the click
until the composer has finished building its rows, plus half a second.

Each scenario runs in its own process like the zinspect command (see app_bench.py, whose
LagProbe and window runner are reused).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import emit, run_child  # noqa: E402

AUTOMATION_FRAMES = 3000
RESEND_FRAMES = 100_000
QUICK_RESEND_FRAMES = 20_000
CHILD_TIMEOUT_S = 300


def automation_workspace(path: Path, frames: int) -> Path:
    """A PUB socket whose script sends ``frames`` template frames once, and a PULL beside."""
    path.write_text(
        json.dumps(
            {
                "zinspect": 1,
                "sockets": [
                    {
                        "name": "script",
                        "type": "PUB",
                        "bind": ["inproc://safety-script"],
                        "automation": {
                            "send": {
                                "frames": [f"frame {i} {{seq}}" for i in range(frames)],
                                "count": 1,
                            }
                        },
                    },
                    {"name": "other", "type": "PULL", "bind": ["inproc://safety-other"]},
                ],
            }
        )
    )
    return path


async def automation_scenario(window: Any, probe: Any, frames: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="zinspect-safety-") as folder:
        return await _automation_in(window, probe, frames, Path(folder))


async def _automation_in(window: Any, probe: Any, frames: int, folder: Path) -> dict:
    from app_bench import wait_until

    path = automation_workspace(folder / "frames.zinspect.json", frames)
    probe.start()
    await asyncio.sleep(0.2)
    started = time.perf_counter()
    steps: dict[str, float] = {}

    def timed(name: str, call: Any, *args: Any) -> None:
        begin = time.perf_counter()
        call(*args)
        steps[f"{name}_ms"] = round((time.perf_counter() - begin) * 1000, 1)

    timed("open", window.workspace_actions.open_path, path)
    await asyncio.sleep(0.2)
    sockets = {handle.name: handle for handle in window.session.sockets}
    timed("select_other", window.sockets.select_socket, sockets["other"])
    await asyncio.sleep(0.2)
    timed("select_script", window.sockets.select_socket, sockets["script"])
    await asyncio.sleep(0.2)
    editor = window.sockets.automation_editor
    await wait_until(lambda: editor.send_frames.frame_count == frames, 10, "the frames")
    shown = len(editor.send_frames.rows)
    timed("close", window.shutdown)  # every socket closes while the window still shows them
    await asyncio.sleep(0.3)
    ended = time.perf_counter()
    probe.stop()
    summary = probe.summary(started, ended)
    return {"stall_ms": summary["lag_max_ms"], "ticks": summary["ticks"], "rows": shown, **steps}


async def resend_scenario(window: Any, probe: Any, frames: int) -> dict:
    from app_bench import wait_until

    session = window.session
    sink = session.create_socket("PULL", "sink")
    sink.bind("inproc://safety-resend")
    source = session.create_socket("PUSH", "source")
    source.connect("inproc://safety-resend")
    await source.send([b"f%d" % i for i in range(frames)])
    store = session.store
    await wait_until(
        lambda: any(
            m.socket == "sink" and len(m.frames) == frames
            for m in store.range(store.first_seq, store.end_seq)
        ),
        30,
        "the big message",
    )
    window.sockets.select_socket(sink)
    view, model = window.traffic.view, window.traffic.model
    await wait_until(lambda: model.rowCount() >= 2, 10, "the traffic rows")
    received = next(
        row for row in range(model.rowCount()) if model.message_at(row).socket == "sink"
    )
    view.selectRow(received)
    await asyncio.sleep(1.0)  # showing the message is not what is measured
    probe.start()
    await asyncio.sleep(0.2)
    started = time.perf_counter()
    window.detail._resend_button.click()
    editor = window.composer.frame_editor
    await wait_until(
        lambda: editor.frame_count == frames and not editor.loading, 60, "the composer"
    )
    await asyncio.sleep(0.5)
    ended = time.perf_counter()
    probe.stop()
    summary = probe.summary(started, ended)
    return {
        "stall_ms": summary["lag_max_ms"],
        "ticks": summary["ticks"],
        "rows": len(editor.rows),
        "frames": editor.frame_count,
    }


SCENARIOS = {"automation": automation_scenario, "resend": resend_scenario}


def child(name: str, count: int) -> int:
    import app_bench

    import zinspect.app
    import zinspect.ui.main_window as main_window

    scenario = SCENARIOS[name]

    class BenchWindow(main_window.MainWindow):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.bench_task = asyncio.ensure_future(self._run())
            self.bench_task.add_done_callback(self._on_bench_task_done)

        async def _run(self) -> None:
            await app_bench.wait_until(self.isVisible, 10, "the window to show")
            await asyncio.sleep(0.3)
            result = await scenario(self, app_bench.LagProbe(), count)
            emit(result)
            self.quit_without_asking()

        def _on_bench_task_done(self, task: asyncio.Task) -> None:
            if not task.cancelled() and task.exception() is not None:
                import traceback

                traceback.print_exception(task.exception())
                self.quit_without_asking()

    main_window.MainWindow = BenchWindow
    with tempfile.TemporaryDirectory(prefix="zinspect-bench-") as folder:
        return zinspect.app.main(["--settings", os.path.join(folder, "settings.ini")])


def measure(quick: bool = False) -> dict[str, float]:
    script = str(Path(__file__).resolve())
    automation = run_child([script, "child", "automation", str(AUTOMATION_FRAMES)], CHILD_TIMEOUT_S)
    resend = run_child(
        [script, "child", "resend", str(QUICK_RESEND_FRAMES if quick else RESEND_FRAMES)],
        CHILD_TIMEOUT_S,
    )
    return {
        "stall_automation_frames_ms": round(automation["stall_ms"], 1),
        "stall_resend_many_frames_ms": round(resend["stall_ms"], 1),
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        sys.exit(child(sys.argv[2], int(sys.argv[3])))
    print(json.dumps(measure(quick="--quick" in sys.argv)))
