"""The Qt face of zinspect: widgets and models over zinspect.core."""
