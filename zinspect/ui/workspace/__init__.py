"""The File menu: open, save, recent workspaces, unsaved-changes prompt."""
