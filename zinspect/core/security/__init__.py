"""Security: NULL/PLAIN/CURVE settings and the ZAP authenticator on the event loop (the keys
themselves are in core.keys)."""
