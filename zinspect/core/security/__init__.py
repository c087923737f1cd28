"""Security: NULL/PLAIN/CURVE settings, CURVE keys and the ZAP authenticator on the event loop."""
