"""Exploring the traffic from its table: optional columns, the row menu, plot and column
from the decoded tree."""
