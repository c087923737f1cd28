"""Automations: reply, scripted send and forward, as specs and as a runner on the loop."""
