"""Recognisers of application protocols over ZeroMQ.

Jupyter, Bitcoin Core notifications, Majordomo, pyzmq's log handler, and plain envelopes.
"""
