"""Payload decoders and protocol recognisers: what the bytes of a message mean."""
