"""Tap mode in the window: the Tap wizard and its menu action."""
