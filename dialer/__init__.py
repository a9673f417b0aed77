"""The SIP user agent on pyVoIP: calls, call progress, RTP audio, DTMF, pacing."""
