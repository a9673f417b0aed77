"""pyVoIP 1.6.8 as Vozvrat's SIP and RTP stack, with each measured defect (PEERS.md) fixed here."""
