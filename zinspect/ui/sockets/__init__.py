"""The Sockets panel: socket list, endpoints, subscriptions, options, peers."""
