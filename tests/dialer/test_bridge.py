"""The voice bot on a real call: Kamailio, a baresip debtor, the dialer and the speech session
(vosk, espeak-ng, Silero VAD, Smart Turn) of voicebot/speech, bridged by dialer/bridge.py."""
from __future__ import annotations

import asyncio
import dataclasses
import wave
from collections.abc import Callable
from pathlib import Path

from campaigns.outcomes.report import OutcomeKind
from dialer.bridge import LineSink, talk
from dialer.line import PhoneLine
from dialer.sip.progress import CallEnd
from dialer.peers.processes import Baresip, Kamailio
from tests.dialer.speech import debtor_clip
from tests.voicebot.speech.conftest import YES, YES_NO
from tests.voicebot.speech.scripted import ScriptedConversation
from voicebot.speech.engines import SpeechEngines
from voicebot.speech.session import AudioSession


async def _call_the_bot(tmp_path: Path, kamailio: Kamailio, make_line: Callable[..., PhoneLine],
                        engines: SpeechEngines, clip: Path,
                        press: str | None = None) -> tuple[ScriptedConversation, object, object, Baresip]:
    debtor = await asyncio.to_thread(Baresip(tmp_path, kamailio.port, clip).start)
    try:
        line = make_line(kamailio.port)
        await line.start()
        call = await line.dial("debtor")
        assert await call.wait_answered()
        conversation = ScriptedConversation()
        # Built as the call worker builds it: the engines' grammar ([speech] asr_decoding).
        session = AudioSession(dataclasses.replace(engines, grammar=YES_NO), conversation,
                               LineSink(call))
        if press:
            asyncio.get_running_loop().call_later(2.0, debtor.command, press)
        report = await asyncio.wait_for(talk(call, session), 60)
        result = await call.wait_ended()
    finally:
        debtor.stop()
    return conversation, report, result, debtor


async def test_the_bot_greets_hears_yes_and_says_goodbye_over_the_line(
        tmp_path: Path, kamailio: Kamailio, make_line: Callable[..., PhoneLine],
        engines: SpeechEngines) -> None:
    # The greeting lasts ~6 s; the debtor answers after it, then keeps the line open.
    clip = await asyncio.to_thread(debtor_clip, tmp_path / "yes.wav", 8.0, YES, 30.0)
    conversation, report, result, debtor = await _call_the_bot(tmp_path, kamailio, make_line, engines, clip)
    assert conversation.heard_texts == [YES]
    assert report.kind == OutcomeKind.ANSWERED and report.listened_share == (1.0, 1.0)
    assert conversation.hung_up_by_debtor is False
    assert result.end == CallEnd.WE_HUNG_UP
    # The debtor's phone heard the bot: seconds of speech in what baresip decoded.
    with wave.open(str(next(debtor.recordings.glob("*-dec.wav")))) as dump:
        assert dump.getnframes() / dump.getframerate() > 6


async def test_a_key_pressed_mid_greeting_interrupts_it(
        tmp_path: Path, kamailio: Kamailio, make_line: Callable[..., PhoneLine],
        engines: SpeechEngines) -> None:
    clip = await asyncio.to_thread(debtor_clip, tmp_path / "quiet.wav", 30.0, None, 0.5)
    conversation, report, result, _ = await _call_the_bot(tmp_path, kamailio, make_line, engines,
                                                          clip, press="1")
    assert conversation.keys == ["1"]
    greeting_share, goodbye_share = report.listened_share
    assert 0 < greeting_share < 1 and goodbye_share == 1.0
    assert result.end == CallEnd.WE_HUNG_UP


async def test_the_debtor_hanging_up_mid_greeting_ends_the_session(
        tmp_path: Path, kamailio: Kamailio, make_line: Callable[..., PhoneLine],
        engines: SpeechEngines) -> None:
    # baresip hangs up when its clip ends: 2 s into the greeting.
    clip = await asyncio.to_thread(debtor_clip, tmp_path / "short.wav", 2.0, None, 0.0)
    conversation, report, result, _ = await _call_the_bot(tmp_path, kamailio, make_line, engines, clip)
    assert result.end == CallEnd.CALLEE_HUNG_UP
    assert conversation.hung_up_by_debtor is True
    (share,) = report.listened_share
    assert 0 < share < 0.8
