"""Workspaces: the JSON workspace format, loading with exact error places, atomic saving."""
