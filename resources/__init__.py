"""Data files shipped inside the wheel as ``zinspect.resources``; load with importlib.resources."""
