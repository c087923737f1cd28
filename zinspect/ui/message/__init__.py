"""The Message pane: one message's frames in every view."""
