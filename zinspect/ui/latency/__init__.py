"""The Latency view: request/reply latency per socket and group, unanswered requests, and
sequence gaps per topic, computed by core.explore from the store in batches."""
