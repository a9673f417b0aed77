"""Billing import: CSV/XLSX exports → validated, idempotent bulk upserts (docs/import-format.md)."""
