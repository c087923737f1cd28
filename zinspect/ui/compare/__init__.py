"""Compare: two messages side by side as a diff, from the traffic table or the Message pane."""
