"""zinspect's engine: sockets, traffic store and codecs. Imports no Qt, so scripts and plain
pytest can use it."""
