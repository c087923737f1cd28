"""Edit > Preferences: the dialog, its settings, and applying them to the window."""
