"""Waves: a manager's outreach to a segment of cases, in a window, at a pace, with a holdout."""
