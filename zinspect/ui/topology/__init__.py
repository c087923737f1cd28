"""The Topology view: sockets as nodes, links with live counts."""
