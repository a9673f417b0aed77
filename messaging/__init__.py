"""SMS over SMPP and email over SMTP."""
