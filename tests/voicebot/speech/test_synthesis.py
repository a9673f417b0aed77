"""TTS on the real engines: piper (the PyPI voice proves the engine) and espeak-ng in Russian, at
the line's 8 kHz; the phrase cache renders a sentence once and normalises figures to words."""
from __future__ import annotations

import numpy as np

from tests.voicebot.speech.line import rms_dbfs
from voicebot.speech.audio import SAMPLE_RATE, duration_seconds, pcm_to_float
from voicebot.speech.espeak_voice import EspeakSynthesizer
from voicebot.speech.phrases import PhraseCache, sentences
from voicebot.speech.piper_voice import PiperSynthesizer
from voicebot.speech.settings import SpeechSettings, piper_voice_path


def _band_share_above(pcm: bytes, hz: float) -> float:
    spectrum = np.abs(np.fft.rfft(pcm_to_float(pcm))) ** 2
    freqs = np.fft.rfftfreq(len(pcm) // 2, 1 / SAMPLE_RATE)
    return float(spectrum[freqs > hz].sum() / spectrum.sum())


async def test_piper_renders_a_phrase_at_line_rate() -> None:
    piper = PiperSynthesizer(piper_voice_path(SpeechSettings()))
    pcm = await piper.synthesize("Hello, this is an automated call from your utility company.")
    # About 3.5 s at a normal speaking rate; the same samples read at 22 050 Hz would be 1.3 s.
    assert 2.5 < duration_seconds(pcm) < 6.0
    assert rms_dbfs(pcm) > -35
    # Band-limited resampling leaves almost nothing next to the 4 kHz Nyquist limit.
    assert _band_share_above(pcm, 3900) < 0.01


async def test_espeak_speaks_russian_at_line_rate() -> None:
    pcm = await EspeakSynthesizer("ru").synthesize("Здравствуйте! Это автоматический звонок.")
    assert 1.5 < duration_seconds(pcm) < 5.0
    assert rms_dbfs(pcm) > -35
    assert _band_share_above(pcm, 3900) < 0.01


class Counting(EspeakSynthesizer):
    def __init__(self) -> None:
        super().__init__("ru")
        self.texts: list[str] = []

    async def synthesize(self, text: str) -> bytes:
        self.texts.append(text)
        return await super().synthesize(text)


async def test_cache_renders_a_sentence_once_per_voice_and_speaks_figures_in_words() -> None:
    voice = Counting()
    cache = PhraseCache(voice, size=8)
    await cache.preload(["Здравствуйте! Это автоматический звонок."])
    assert "Здравствуйте!" in cache
    reply = "Здравствуйте! Ваш долг 1 234,50 ₽."
    assert sentences(reply) == ["Здравствуйте!", "Ваш долг 1 234,50 ₽."]
    rendered = [await task for task in cache.render_reply(reply)]
    assert all(rms_dbfs(pcm) > -35 for pcm in rendered)
    # The greeting came from the cache; only the sentence with the amount was rendered now.
    assert voice.texts == ["Здравствуйте!", "Это автоматический звонок.",
                           "Ваш долг одна тысяча двести тридцать четыре рубля пятьдесят копеек."]


async def test_a_templates_fixed_parts_are_cached_and_a_reply_is_spoken_in_pieces() -> None:
    voice = Counting()
    cache = PhraseCache(voice)
    await cache.preload(["Спасибо, {name}. Ваш долг {amount}, оплатите его. Всего доброго."])
    assert sorted(voice.texts) == ["Ваш долг", "Всего доброго.", "Спасибо,", "оплатите его."]
    for reply, pieces, rendered_now in [
        ("Ваш долг 500 ₽, оплатите его. Спасибо, Анна. Всего доброго.", 5,
         ["пятьсот рублей,", "Спасибо, Анна."]),
        # A fixed part inside a longer word ("долговой") is not a part.
        ("Ваш долговой счёт закрыт. Всего доброго.", 2, ["Ваш долговой счёт закрыт."]),
    ]:
        voice.texts.clear()
        rendered = [await task for task in cache.render_reply(reply)]
        assert all(rms_dbfs(pcm) > -35 for pcm in rendered)
        # The first sentence is spoken in pieces, only its value rendered now; a later sentence
        # (rendered while the first plays) stays whole.
        assert len(rendered) == pieces
        assert voice.texts == rendered_now
