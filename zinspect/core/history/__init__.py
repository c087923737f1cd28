"""The on-disk history of a session: messages that left the in-memory store, read back."""
