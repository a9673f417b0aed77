"""Tests of models.ledger and the production calendar."""
