"""CURVE keys and secret option values: checked and read without ever being repeated.

Below core.sockets (a socket refuses a malformed secret when it is set) and below
core.security (which uses the keys for CURVE and the ZAP authenticator).
"""
