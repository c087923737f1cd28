"""The Plot dock: decoded values and message rates over time, drawn with pyqtgraph."""
