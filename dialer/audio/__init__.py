"""Audio at the phone line's edge: 16-bit PCM 8 kHz in 20 ms frames, G.711 only on the wire."""
