"""Email over SMTP: composing the message, the pooled sender and the worker."""
