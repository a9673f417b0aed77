"""SMS over SMPP: encoding and segments, the SMPP link, the sender and the worker."""
