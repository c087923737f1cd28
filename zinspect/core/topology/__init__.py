"""The workspace's sockets as a graph: which socket talks to which, which way messages
flow, and how many went over each link.

libzmq tells nothing about who is connected to whom, so links are inferred from what the
sockets were told (endpoint_match.py); build.py makes the graph (model.py), layout.py
places it in layers, traffic.py counts what went over each link. The layout is computed
here, not in the view, so it is deterministic and testable without Qt.
"""
