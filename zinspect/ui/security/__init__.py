"""The per-socket security form, keys and the authentication settings."""
