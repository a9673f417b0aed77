"""The robot the debtor talks to: ASR, NLU, the collection dialogue, TTS."""
