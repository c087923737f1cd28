"""Exploring traffic: topics, field paths, comparisons and timing, computed from the store."""
