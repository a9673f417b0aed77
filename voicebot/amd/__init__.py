"""Who answered the call: a person, an answering machine, the carrier, a screening assistant, a
fax or nobody, told from the first seconds of the callee's audio (issue 11)."""
