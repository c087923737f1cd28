"""Allow ``python -m zinspect``."""

from zinspect.app import main

if __name__ == "__main__":
    raise SystemExit(main())
