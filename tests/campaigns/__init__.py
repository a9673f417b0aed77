"""Tests of the campaigns package."""
