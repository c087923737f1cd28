"""pcap and pcapng import: TCP streams reassembled and ZMTP parsed into capture rows."""
