"""Small widgets and helpers every feature folder shares: error labels, buttons, list views, styles, accessibility."""
