"""Cases: opening, history, stage and status changes, closing."""
