"""Command-line commands (``zinspect decode ...``): no Qt, so they run without a display.

``COMMANDS`` names each command's module; app.main runs ``main(argv)`` of the module named by
the first argument before anything imports Qt. A new command is a module here with a
``main(argv: list[str]) -> int`` and a line in COMMANDS.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

COMMANDS: dict[str, str] = {
    "decode": "zinspect.cli.decode",  # a capture's messages decoded, as JSON Lines
    "stats": "zinspect.cli.stats",  # a capture summed up: topics, latency, gaps
    "import-pcap": "zinspect.cli.import_pcap",  # a .pcap/.pcapng's ZMTP messages as a capture
    "probe": "zinspect.cli.probe",  # what answers at a tcp:// endpoint
    "record": "zinspect.cli.record",
    "tap": "zinspect.cli.tap",  # headless capture, no Qt
}


def run_command(name: str, argv: Sequence[str]) -> int:
    """Run the command ``name`` with its arguments; its exit status."""
    module = importlib.import_module(COMMANDS[name])
    status: int = module.main(list(argv))
    return status
