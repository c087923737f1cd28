"""Recording, opening, exporting and replaying captures."""
