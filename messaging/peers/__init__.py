"""Peer servers for loopback runs (the demo, tests, benchmarks): the SMSC simulator and the SMTP server."""
