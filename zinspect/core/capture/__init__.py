"""Captures: the JSON Lines capture format, the recorder, replay and exports."""
