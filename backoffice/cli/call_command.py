"""``vozvrat call test NUMBER``: an operator's line check through the configured SIP settings.

Registers, dials, prints every progress event as it happens, plays a test phrase once answered,
hangs up and prints the outcome. Exit code 0 when the call was answered.
"""
from __future__ import annotations

import argparse
import asyncio
import sys

from dialer.line import PhoneLine
from dialer.settings import sip_settings
from dialer.sip.progress import CallEvent, Progress
from dialer.sip.registration import RegistrationStatus
from voicebot.speech.espeak_voice import EspeakSynthesizer

TEST_PHRASE = "Проверка линии. Это тестовый звонок системы Возврат. Спасибо, до свидания."

PROGRESS_TITLES = {
    Progress.TRYING: "вызов принят сетью",
    Progress.RINGING: "идёт вызов",
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
