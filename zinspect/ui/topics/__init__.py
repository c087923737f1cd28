"""The Topics view: messages grouped by socket and topic, as a live tree."""
