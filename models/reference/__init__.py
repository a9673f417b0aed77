"""Reference data kept as files a user can update without code changes (production calendar)."""
