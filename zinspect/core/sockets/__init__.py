"""Sockets: the Session, each SocketHandle's receive and send halves, endpoints, options,
monitoring and connection events."""
