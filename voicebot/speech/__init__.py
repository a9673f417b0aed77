"""The voice bot's ears and mouth: ASR, TTS, voice activity, end of turn and the audio session.

Everything here speaks the line format of ``audio``: 8 kHz, 16-bit mono PCM in 20 ms frames. The
dialer converts G.711 to and from this format at its edge and drives an ``AudioSession``.
"""
