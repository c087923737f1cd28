"""The composer: frame editors, send history and saved messages."""
