"""The Demos menu and the Demo panel."""
