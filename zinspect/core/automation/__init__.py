"""Automations: reply, send messages and forward, as specs and as a runner on the loop."""
