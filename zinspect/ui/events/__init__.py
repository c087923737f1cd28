"""The Events panel: connection events as a timeline with filters."""
