"""Demo data: a realistic Рязань utility written as billing import files (docs/import-format.md).

Fed through ``vozvrat import`` like a real billing export, it gives the demo and the import
benchmark their accounts, debtors and payment histories.
"""
