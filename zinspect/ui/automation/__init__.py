"""The automation editor in the socket panel."""
