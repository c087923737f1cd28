"""Tap mode: zinspect between two programs it did not write, forwarding their traffic."""
