"""Loopback SIP peers (Kamailio, baresip, sipp) for tests, benchmarks and the demo."""
