"""Run zinspect's main with PySide6, shiboken6 and qasync made unimportable.

    python zinspect_noqt.py record WORKSPACE --record CAPTURE.jsonl [...]
    python zinspect_noqt.py tap --pattern P --front EP --upstream EP --record CAPTURE.jsonl

Proves the headless commands need no Qt: any import of those packages raises ImportError
(as on a server where they are not installed). Exits with zinspect's status.
"""

from __future__ import annotations

import importlib.abc
import sys

BLOCKED = ("PySide6", "shiboken6", "qasync")


class NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in BLOCKED:
            raise ImportError(f"{fullname} is made unimportable for this test")
        return None


sys.meta_path.insert(0, NoQt())
for name in list(sys.modules):
    if name.split(".")[0] in BLOCKED:
        del sys.modules[name]

from zinspect.app import main  # noqa: E402  (after the finder is in place)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
