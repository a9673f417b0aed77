"""Understanding what the debtor said: intents from the Rasa service, dates and times resolved."""
