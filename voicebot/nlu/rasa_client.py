"""The dialogue's ``IntentParser`` over the Rasa service's HTTP API (``POST /model/parse``).

A call must go on whatever happens to the NLU: a service that is down, slow or answers nonsense
turns the debtor's words into ``nlu_fallback`` with confidence 0, marked ``unavailable`` (logged),
and the dialogue falls back to its key menus.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from types import TracebackType
from typing import Any

import aiohttp

from campaigns.outcomes.report import Intent
from voicebot.nlu.dates import resolve_day, resolve_moment
from voicebot.nlu.result import NluResult
from voicebot.nlu.settings import RasaSettings

log = logging.getLogger(__name__)

# Trained so that chatter is recognised as such (voicebot/rasa/data/nlu.yml); the dialogue
# knows it as nlu_fallback.
OUT_OF_SCOPE = "out_of_scope"
_INTENT_NAMES = frozenset(intent.value for intent in Intent)


def interpret(text: str, now: datetime, intent_name: str | None, confidence: float,
              threshold: float, entities: Mapping[str, str] | None = None) -> NluResult:
    """An NLU answer as the dialogue reads it: a known intent above the threshold, dates resolved."""
    if intent_name == OUT_OF_SCOPE or intent_name not in _INTENT_NAMES or confidence < threshold:
        intent = Intent.NLU_FALLBACK
    else:
        intent = Intent(intent_name)
    return NluResult(
        text=text, intent=intent, confidence=confidence,
        promise_date=resolve_day(text, now.date()) if intent is Intent.PROMISE_TO_PAY else None,
        callback_at=resolve_moment(text, now) if intent is Intent.CALLBACK_LATER else None,
        entities=dict(entities or {}))


def _entities(answer: Mapping[str, Any]) -> dict[str, str]:
    return {str(entity["entity"]): str(entity.get("value", ""))
            for entity in answer.get("entities") or () if "entity" in entity}


class RasaClient:
    """``IntentParser`` for one process: keeps one HTTP session; use ``async with`` or ``close``."""

    def __init__(self, url: str, *, timeout: float = 2.0, confidence_threshold: float = 0.45) -> None:
        self._parse_url = f"{url.rstrip('/')}/model/parse"
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._threshold = confidence_threshold
        self._session: aiohttp.ClientSession | None = None

    @classmethod
    def from_settings(cls, settings: RasaSettings, url: str | None = None) -> RasaClient:
        return cls(url or settings.url, timeout=settings.timeout,
                   confidence_threshold=settings.confidence_threshold)

    async def __aenter__(self) -> RasaClient:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        traceback: TracebackType | None) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def parse(self, text: str, now: datetime) -> NluResult:
        words = " ".join(text.lower().replace("ё", "е").split())
        if not words:
            return interpret(text, now, None, 0.0, self._threshold)
        try:
            answer = await self._ask(words)
            intent = answer.get("intent") or {}
            name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
            entities = _entities(answer)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, TypeError, KeyError) as exc:
            log.warning("Rasa did not answer for %r (%s: %s): nlu_fallback", words, type(exc).__name__, exc)
            return replace(interpret(text, now, None, 0.0, self._threshold), unavailable=True)
        return interpret(text, now, name, confidence, self._threshold, entities)

    async def _ask(self, text: str) -> dict[str, Any]:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        async with self._session.post(self._parse_url, json={"text": text}) as response:
            response.raise_for_status()
            answer = await response.json()
        if not isinstance(answer, dict):
            raise ValueError(f"not a parse result: {answer!r}")
        return answer
