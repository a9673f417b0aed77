"""Work plans, cases, outcome rules, waves, the contact budget and the work queue."""
