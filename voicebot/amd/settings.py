"""The ``[amd]`` settings (``VOZVRAT_AMD_<KEY>``): every threshold of the answering-machine
classifier, with the reason for each default beside it."""
from __future__ import annotations

from pydantic import BaseModel, Field

from models.config import load_section

# Defaults follow Asterisk's app_amd where it has a rule for the same signal (its defaults come from
# years of carrier traffic), adjusted for Russian speech where measured on our clips (bench/amd.py).

# A sound shorter than this is a click, a breath or line noise, not a word (Asterisk: 100 ms).
MIN_SPEECH_S = 0.1
# A person who picked up says "алло" and waits for us: a pause this long after a short first
# utterance means a person (Asterisk: 800 ms). Shorter pauses occur inside machine greetings
# between sentences: espeak-ng's reach 0.42 s at 140 words a minute and over 0.5 s at 120–130.
AFTER_GREETING_SILENCE_S = 0.8
# A person is to be answered within this long of the answer (issue 11's goal), and the full pause
# after one who picked up late and spoke slowly ("алло, здравствуйте" ending 2 s after the answer)
# would pass it: the pause is shortened to end by then (where even the least pause below misses
# the goal, the full pause is kept).
PERSON_DEADLINE_S = 2.5
# The least pause after a first utterance: it keeps clear of the sentence pauses of bench/amd.py's
# greetings (0.4 s lets one pass for a person). Only a first sentence ending between 1.7 and 2 s
# after the answer meets a shortened pause; a slow one there (its pause over 0.5 s) would pass
# for a person, the price of the goal (none of bench/amd.py's broader set at 120–180 words a
# minute does).
MIN_AFTER_GREETING_SILENCE_S = 0.5
# The longest first utterance a person makes before waiting ("Алло, да, слушаю вас" runs about
# 1.5 s at a brisk pace); a voicemail greeting or an announcement runs on for 3 s and more
# (Asterisk: 1500 ms; raised so that a slow "алло, здравствуйте" is never taken for a machine).
MAX_HUMAN_GREETING_S = 2.2
# Nothing heard this long after the answer: a silent line (Asterisk's initial silence is 2.5 s,
# but a wary person may wait for the caller to speak first, and hanging up on them loses a contact).
SILENCE_S = 5.0
# No decision by then: decide on what was heard. Asterisk's total analysis time is 5 s, but telling a
# screening assistant or a looped announcement needs the whole greeting (up to 6 s), the caller's
# turn and a second of what follows; the call acts only once its greeting is over anyway.
MAX_ANALYSIS_S = 12.0
# With keyword spotting on, a greeting that the sound alone calls a carrier's announcement is held
# this long for the ASR to hear a phrase that says otherwise: the first key words ("аппарат
# абонента…", "голосовой помощник") come within the first 3–4 s.
KEYWORD_WAIT_S = 4.5
# Which machine answered is told only once the greeting is known not to be a person's, by how its
# sound goes on (see classifier.py):
# - a carrier's announcement is played by the switch that answers, so it is already sounding at the
#   answer; a person first has to raise the phone and a voicemail platform to fetch the greeting,
#   both taking 0.2 s and more. Speech opening this soon, in a greeting too long for a person,
#   is the carrier (a voicemail that starts at once is misread as a carrier: both are no person);
ANNOUNCEMENT_ONSET_S = 0.15
# - after its greeting a screening assistant leaves the caller a turn and, hearing nothing, asks
#   again; an announcement loops after a pause. Silence this long after a long greeting is such a
#   turn (the pauses between a greeting's sentences are under half a second);
CALLER_TURN_PAUSE_S = 1.0
# - what is said after the turn is compared with the greeting's start over this much audio (a
#   second holds a few words, enough for a loop to match and anything else not to)…
REPEAT_MATCH_S = 1.0
# - …and is the same recording again above this similarity of spectral envelopes (similarity.py;
#   on bench/amd.py's clips a loop of one text over different line noise scores 0.81–0.99, a
#   screening assistant's follow-up in the same voice 0.1–0.52);
REPEAT_SIMILARITY = 0.7
# - a voicemail records in silence: this long without speech after a long greeting (and no beep)
#   is a machine waiting for the message; a screening assistant asks again sooner.
VOICEMAIL_SILENCE_S = 3.0
# Silero VAD's speech probability above which a window is speech (its authors' default), and the
# level below which a frame is silence whatever Silero says (comfort noise of a quiet line).
VAD_THRESHOLD = 0.5
SPEECH_LEVEL_DBFS = -45.0
# A frame is a tone when this share of its energy sits at one frequency: voiced speech spreads over
# many harmonics (rarely above 0.5 at one), generated tones put nearly all of it at one (> 0.95).
TONE_SHARE = 0.8
# Quieter tones are not searched for (below the line's noise on real trunks).
TONE_LEVEL_DBFS = -40.0
# A voicemail beep is one tone of 0.2–1.5 s; 150 ms keeps clear of a sung vowel (which drifts in
# pitch within that time) and still catches short beeps.
BEEP_MIN_S = 0.15
# SIT segments last 274 or 380 ms (ITU-T E.180); 160 ms of each of two of them is enough and
# tolerates lost packets.
SIT_MIN_TONE_S = 0.16
# Fax calling tone (CNG) is 0.5 s bursts of 1100 Hz; the answer tone (CED) is 2.6–4 s of 2100 Hz.
# A voicemail beep may be 1100 Hz too, so CNG counts only before any speech.
CNG_MIN_S = 0.4
CED_MIN_S = 0.8


class AmdSettings(BaseModel):
    # Classify who answered before the dialogue starts (the call worker of ``vozvrat worker``).
    # Off only where every callee is known to be a person, e.g. a line test.
    enabled: bool = True
    min_speech_s: float = Field(default=MIN_SPEECH_S, gt=0)
    after_greeting_silence_s: float = Field(default=AFTER_GREETING_SILENCE_S, gt=0)
    person_deadline_s: float = Field(default=PERSON_DEADLINE_S, gt=0)
    min_after_greeting_silence_s: float = Field(default=MIN_AFTER_GREETING_SILENCE_S, gt=0)
    max_human_greeting_s: float = Field(default=MAX_HUMAN_GREETING_S, gt=0)
    silence_s: float = Field(default=SILENCE_S, gt=0)
    max_analysis_s: float = Field(default=MAX_ANALYSIS_S, gt=0)
    keyword_wait_s: float = Field(default=KEYWORD_WAIT_S, gt=0)
    announcement_onset_s: float = Field(default=ANNOUNCEMENT_ONSET_S, ge=0)
    caller_turn_pause_s: float = Field(default=CALLER_TURN_PAUSE_S, gt=0)
    repeat_match_s: float = Field(default=REPEAT_MATCH_S, gt=0)
    repeat_similarity: float = Field(default=REPEAT_SIMILARITY, gt=0, lt=1)
    voicemail_silence_s: float = Field(default=VOICEMAIL_SILENCE_S, gt=0)
    vad_threshold: float = Field(default=VAD_THRESHOLD, gt=0, lt=1)
    speech_level_dbfs: float = SPEECH_LEVEL_DBFS
    tone_share: float = Field(default=TONE_SHARE, gt=0, le=1)
    tone_level_dbfs: float = TONE_LEVEL_DBFS
    beep_min_s: float = Field(default=BEEP_MIN_S, gt=0)
    sit_min_tone_s: float = Field(default=SIT_MIN_TONE_S, gt=0)
    cng_min_s: float = Field(default=CNG_MIN_S, gt=0)
    ced_min_s: float = Field(default=CED_MIN_S, gt=0)
    # Spot the phrases of phrases.yaml with the ASR. Only where [speech] vosk_model speaks Russian:
    # the Korean stand-in model of CI has none of these words and would only add cost.
    keywords: bool = False
    # What to do on a machine: leave the short voice message (a message in the contact budget),
    # or hang up and leave nothing.
    leave_voice_message: bool = True


def amd_settings() -> AmdSettings:
    return load_section("amd", AmdSettings)
