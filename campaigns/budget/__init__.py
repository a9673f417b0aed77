"""The contact budget of 230-ФЗ: when a debtor may be contacted, and how often per channel."""
