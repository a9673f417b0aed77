"""What the recogniser decodes a call with: a vocabulary grammar or the model's whole language
model, as ``[speech] asr_decoding`` asks and the model allows."""
from __future__ import annotations

import logging
from pathlib import Path

from voicebot.nlu.vocabulary import understood_words
from voicebot.speech.model_words import model_words
from voicebot.speech.settings import SpeechSettings

log = logging.getLogger(__name__)

# Below this share of the vocabulary known to the model, the model is taken to speak another
# language: a grammar of its few known words would force every utterance onto them.
MIN_KNOWN_SHARE = 0.5


def vocabulary(settings: SpeechSettings) -> list[str]:
    if not settings.asr_vocabulary:
        return list(understood_words())
    lines = Path(settings.asr_vocabulary).read_text().splitlines()
    return [line.strip().lower() for line in lines if line.strip()]


def call_grammar(settings: SpeechSettings, model: Path) -> list[str] | None:
    """The grammar every call's recogniser starts with; None decodes freely."""
    if settings.asr_decoding == "free":
        return None
    wanted = vocabulary(settings)
    known = model_words(model)
    phrases = [phrase for phrase in wanted if all(word in known for word in phrase.split())]
    if len(phrases) < MIN_KNOWN_SHARE * len(wanted):
        log.warning("the vosk model at %s knows %d of the %d words and phrases to listen for: "
                    "decoding freely with its whole language model", model, len(phrases),
                    len(wanted))
        return None
    # vosk's word for what is outside the grammar, where the model has it: speech the bot does
    # not understand then reads as unknown instead of as the nearest word it knows.
    return [*phrases, "[unk]"] if "[unk]" in known else phrases
