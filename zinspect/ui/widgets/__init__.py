"""Small widgets and helpers every feature folder shares: error labels, buttons, list views,
styles, accessibility, and the host that docks and menus go through."""
