"""zinspect: a desktop ZeroMQ message inspector."""

__version__ = "0.1.0"
