"""The live traffic table: its model over the store and the panel with filters."""
