"""``vozvrat call test NUMBER``: an operator's line check through the configured SIP settings;
``vozvrat call classify --file CLIP.wav``: who answered a call, from its recording (issue 11).

The test registers, dials, prints every progress event as it happens, plays a test phrase once
answered, hangs up and prints the outcome. Exit code 0 when the call was answered.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from dialer.line import PhoneLine
from dialer.settings import sip_settings
from dialer.sip.progress import CallEvent, Progress
from dialer.sip.registration import RegistrationStatus
from voicebot.amd.settings import amd_settings
from voicebot.amd.stream import classify_pcm, load_detector, read_line_wav
from voicebot.speech.espeak_voice import EspeakSynthesizer

TEST_PHRASE = "Проверка линии. Это тестовый звонок системы Возврат. Спасибо, до свидания."

PROGRESS_TITLES = {
    Progress.TRYING: "вызов принят сетью",
    Progress.RINGING: "идёт вызов",
    Progress.EARLY_MEDIA: "звук до ответа (гудки или сообщение оператора)",
    Progress.ANSWERED: "ответ",
    Progress.DTMF: "нажата клавиша",
    Progress.ENDED: "вызов завершён",
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    call = subparsers.add_parser("call", help="phone line tools")
    call_sub = call.add_subparsers(dest="call_command", required=True)
    test = call_sub.add_parser("test", help="call a number, play a test phrase, print the progress")
    test.add_argument("number", help="number (SIP user) to call")
    test.add_argument("--ring-timeout", type=float, help="seconds to ring (default: [sip] ring_timeout_s)")
    test.add_argument("--phrase", default=TEST_PHRASE, help="what to say once answered")
    test.set_defaults(func=run_test)
    classify = call_sub.add_parser(
        "classify", help="who answered: human, machine, carrier_announcement, screening, silence, fax")
    classify.add_argument("--file", type=Path, required=True,
                          help="8 kHz mono 16-bit WAV of the callee from the moment of answer")
    classify.add_argument("--evidence", action="store_true", help="add the decision's evidence")
    classify.set_defaults(func=run_classify)


def _line(event: CallEvent) -> str:
    text = f"{event.at_s:7.3f} с  {PROGRESS_TITLES[event.progress]}"
    if event.digit:
        text += f" {event.digit}"
    if event.sip_code:
        text += f" (SIP {event.sip_code})"
    if event.end:
        text += f": {event.end.value}"
    if event.reason:
        text += f" — {event.reason}"
    return text


async def run_test(args: argparse.Namespace) -> int:
    settings = sip_settings()
    phrase = asyncio.create_task(EspeakSynthesizer("ru").synthesize(args.phrase))
    line = PhoneLine(settings)
    await line.start()
    try:
        try:
            state = await line.wait_registration(RegistrationStatus.REGISTERED, RegistrationStatus.FAILED,
                                                 timeout=settings.register_timeout_s * 3)
        except TimeoutError:
            state = line.registration
        if state.status != RegistrationStatus.REGISTERED:
            print(f"регистрация на {settings.registrar}:{settings.registrar_port} не удалась: "
                  f"{state.reason or state.status.value}", file=sys.stderr)
            return 2
        print(f"зарегистрирован на {settings.registrar}:{settings.registrar_port} как {settings.user}")
        call = await line.dial(args.number, ring_timeout_s=args.ring_timeout)
        async for event in call.events():
            print(_line(event), flush=True)
            if event.progress == Progress.ANSWERED:
                playback = call.play(await phrase)
                share = await call.wait_played(playback)
                print(f"        фраза проиграна на {share:.0%}", flush=True)
                if not call.ended:
                    await call.hang_up()
        result = await call.wait_ended()
        print(f"итог: {result.outcome_kind.value}, разговор {result.talk_s:.1f} с"
              + (f", запись {result.recording}" if result.recording else ""))
        return 0 if result.answered else 1
    finally:
        await line.stop()


async def run_classify(args: argparse.Namespace) -> int:
    try:
        pcm = read_line_wav(args.file)
    except (OSError, EOFError, ValueError) as error:
        print(f"не удалось прочитать {args.file}: {error}", file=sys.stderr)
        return 2
    detector = await load_detector(amd_settings())
    decision = await classify_pcm(detector, pcm)
    result: dict[str, object] = {"kind": decision.kind.value,
                                 "decided_after_s": decision.decided_after_s}
    if args.evidence:
        result["evidence"] = decision.evidence.as_dict()
    print(json.dumps(result, ensure_ascii=False))
    return 0
