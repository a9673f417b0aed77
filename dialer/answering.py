"""Who answered, and what the call does about it (issue 11): the classifier of voicebot/amd on the
first seconds of an answered call, then one action per kind.

- ``human``: nothing here; the caller hands the call to the voice bot's dialogue.
- ``machine``: optionally wait for the greeting to end and leave a short voice message that names
  the creditor and asks for a call back, never a word about a debt (a third party may hear it);
  the report says so, and campaigns counts it as a voice message in the contact budget.
- ``screening``: say who calls and a neutral purpose and ask to be connected; the dialogue follows
  (it confirms the debtor's identity before any word about the debt).
- ``carrier_announcement``: hang up; the number is unreachable for the campaign rules.
- ``silence`` / ``fax``: hang up. The outcome kinds have no member for them, so silence reports
  ``no_answer`` and a fax ``unreachable`` (a fax line is no voice number); the note names the kind.

Every non-human report carries the decision and its evidence in its note.

A call that ends unanswered is judged on its early media (``unanswered``): a carrier announcement
played before a failure response or before our ring timeout ("аппарат абонента выключен", with
its SIT tones) makes it ``unreachable``, with the evidence, instead of no answer or a failure.
"""
from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

from campaigns.outcomes.report import OutcomeKind, OutcomeReport
from dialer.line import CallEndedError, CallResult, LiveCall
from voicebot.amd.classifier import AnswerKind, Decision
from voicebot.amd.settings import AmdSettings
from voicebot.amd.stream import AnswerDetector, VoskTranscriber, classify_pcm, classify_stream
from voicebot.amd.tones import level_dbfs
from voicebot.speech.audio import FRAME_SECONDS, pcm_to_float
from voicebot.speech.engines import SpeechEngines

VOICE_MESSAGE = ("Здравствуйте! Вам звонит {creditor}. Пожалуйста, перезвоните нам в рабочее время. "
                 "Спасибо, до свидания.")
SCREENING_REPLY = ("Здравствуйте! Это {creditor}, звоним абоненту по личному вопросу. "
                   "Соедините, пожалуйста.")
# A voicemail records after its beep, or after its greeting ends without one: this much silence.
GREETING_END_SILENCE_S = 1.0
# Never wait longer than this for a greeting to end (a machine reading a whole menu).
GREETING_WAIT_LIMIT_S = 20.0

OUTCOME_OF_ANSWER = {
    AnswerKind.MACHINE: OutcomeKind.MACHINE,
    AnswerKind.CARRIER_ANNOUNCEMENT: OutcomeKind.UNREACHABLE,
    AnswerKind.SILENCE: OutcomeKind.NO_ANSWER,
    AnswerKind.FAX: OutcomeKind.UNREACHABLE,
}
ANSWER_TITLES = {
    AnswerKind.HUMAN: "ответил человек",
    AnswerKind.MACHINE: "автоответчик",
    AnswerKind.CARRIER_ANNOUNCEMENT: "сообщение оператора связи",
    AnswerKind.SCREENING: "голосовой помощник абонента",
    AnswerKind.SILENCE: "тишина на линии",
    AnswerKind.FAX: "факс",
}
# SIP outcomes an announcement heard before them explains better (a busy or a decline says more).
EXPLAINED_BY_ANNOUNCEMENT = {OutcomeKind.NO_ANSWER, OutcomeKind.FAILED, OutcomeKind.UNREACHABLE}


@dataclass(frozen=True)
class Answered:
    """What was decided on an answered call; ``report`` is None when the dialogue takes over."""

    decision: Decision
    report: OutcomeReport | None

    @property
    def note(self) -> str:
        evidence = json.dumps(self.decision.evidence.as_dict(), ensure_ascii=False)
        return (f"ответ на звонок: {ANSWER_TITLES[self.decision.kind]} ({self.decision.kind.value}, "
                f"решено через {self.decision.decided_after_s:.2f} с): {evidence}")


def detector_for(settings: AmdSettings, engines: SpeechEngines) -> AnswerDetector:
    """A detector on the process's loaded engines (the ASR listens only with keywords on)."""
    transcriber = VoskTranscriber(engines.asr_model) if settings.keywords else None
    return AnswerDetector(settings, engines.vad_model, transcriber)


async def _frames(call: LiveCall) -> AsyncIterator[bytes]:
    while True:
        try:
            yield await call.read_frame()
        except CallEndedError:
            return


async def _wait_for_greeting_end(call: LiveCall, decision: Decision, settings: AmdSettings) -> None:
    """After a beep the machine records at once; otherwise wait for a pause in what it says."""
    if decision.evidence.beep_at_s is not None:
        return
    quiet = heard = 0
    async for frame in _frames(call):
        heard += 1
        loud = level_dbfs(pcm_to_float(frame)) >= settings.speech_level_dbfs
        quiet = 0 if loud else quiet + 1
        if quiet * FRAME_SECONDS >= GREETING_END_SILENCE_S or heard * FRAME_SECONDS >= GREETING_WAIT_LIMIT_S:
            return


async def answer(call: LiveCall, settings: AmdSettings, engines: SpeechEngines, creditor: str,
                 detector: AnswerDetector | None = None) -> Answered:
    """Classify who answered and carry out the action of its kind (see the module's docstring).

    ``detector`` replaces the one made from ``settings`` and ``engines`` (a test's transcript)."""
    detector = detector or detector_for(settings, engines)
    decision = await classify_stream(detector, _frames(call))
    answered = Answered(decision, None)
    if decision.kind == AnswerKind.HUMAN or call.ended and decision.kind == AnswerKind.SCREENING:
        return answered
    if decision.kind == AnswerKind.SCREENING:
        # Its question is heard to the end before we answer it.
        await _wait_for_greeting_end(call, decision, settings)
        await call.wait_played(call.play(await engines.phrases.render(
            SCREENING_REPLY.format(creditor=creditor))))
        return answered
    note = answered.note
    left = False
    if decision.kind == AnswerKind.MACHINE and settings.leave_voice_message and not call.ended:
        await _wait_for_greeting_end(call, decision, settings)
        if not call.ended:
            share = await call.wait_played(call.play(await engines.phrases.render(
                VOICE_MESSAGE.format(creditor=creditor))))
            left = share > 0
            note += f"\nоставлено голосовое сообщение (прослушано {share:.0%})"
    if not call.ended:
        await call.wait_sent()
        await call.hang_up()
    return Answered(decision, OutcomeReport(kind=OUTCOME_OF_ANSWER[decision.kind], note=note,
                                            voice_message_left=left))


async def unanswered(call: LiveCall, result: CallResult, settings: AmdSettings, engines: SpeechEngines,
                     detector: AnswerDetector | None = None) -> OutcomeReport:
    """The report of a call that ended without an answer: its SIP outcome, unless the early media
    before it was a carrier's announcement (then ``unreachable``, the evidence in the note)."""
    report = OutcomeReport(kind=result.outcome_kind, note=result.sip_note)
    early = call.early_audio
    if not early or result.outcome_kind not in EXPLAINED_BY_ANNOUNCEMENT:
        return report
    decision = await classify_pcm(detector or detector_for(settings, engines), early)
    if decision.kind != AnswerKind.CARRIER_ANNOUNCEMENT:
        return report
    heard = Answered(decision, None).note.replace("ответ на звонок", "звук до ответа", 1)
    return OutcomeReport(kind=OUTCOME_OF_ANSWER[decision.kind], note=f"{report.note}\n{heard}")
