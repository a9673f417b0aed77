"""One SMPP transceiver bind, run by one thread, behind an asyncio interface.

smpplib (PEERS.md) has one socket and no locks, no window of its own, and turns a throttling
answer into an exception; a server unbind is only logged and a dead peer swallows writes
silently. So one thread owns the smpplib client and loops over select() on its socket: it
writes submit_sm while fewer than ``window`` are unanswered and the rate allows, reads every PDU
itself (never ``read_once``, whose default handlers raise or only log), answers deliver_sm,
enquire_link and unbind, and hands results to the event loop through an asyncio queue.

smpplib is kept for connect and bind, but not used after the bind: ``read_pdu`` makes two recv
calls per PDU and ``send_pdu`` one sendall, each hex-dumping the PDU for a debug log even when
it is off, and its generic PDU classes cost more CPU than everything else a message needs
(pdu.py packs and reads the few PDUs of the loop by hand). The thread reads the socket in
large chunks and splits PDUs itself, writes everything due in one sendall, and hands the event
loop one batch of events per turn (each cross-thread call wakes the loop): that is what brings
one bind to thousands of messages a second.

Re-send policy. Only a submit_sm_resp proves the SMSC took a part (smpplib's write to a dead
peer returns normally). A part written and not answered when the connection ends — server
unbind, dropped TCP, a response timeout — is written again after the next bind; a part that was
answered is never written again, and no other part of its message is repeated. After a server
unbind the thread keeps reading until the SMSC closes the socket, so answers already on their
way are not mistaken for lost parts. What remains is the instant between an SMSC accepting a part
and its answer reaching us: a crash there can deliver that one part twice. We accept that rather
than lose a message; the SMSC-side count in the crash test shows how rare it is.

Receipts are answered only once stored. deliver_sm_resp tells the SMSC it may forget the
receipt, so it is written when the worker says the receipt is safe (``acknowledge``), on the
bind that carried it; a worker killed before that leaves it unanswered, and the SMSC delivers it
again on the next bind. An acknowledgement for a bind that has ended is dropped for that reason.
"""
from __future__ import annotations

import asyncio
import collections
import logging
import os
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from queue import Empty, SimpleQueue

import smpplib.client
import smpplib.consts
import smpplib.exceptions

from messaging.settings import SmppSettings
from messaging.sms.pdu import (
    DELIVER_SM,
    DELIVER_SM_RESP,
    ENQUIRE_LINK,
    ENQUIRE_LINK_RESP,
    GENERIC_NACK,
    SUBMIT_SM_RESP,
    UNBIND,
    UNBIND_RESP,
    Pdu,
    SubmitEncoder,
    header,
    parse,
)

log = logging.getLogger(__name__)

THROTTLING_STATUSES = frozenset({smpplib.consts.SMPP_ESME_RTHROTTLED, smpplib.consts.SMPP_ESME_RMSGQFUL})
RECEIPT_ESM_CLASS = 0x04
# After a server unbind: how long to wait for the SMSC to close before giving up on it.
UNBIND_DRAIN_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class PartKey:
    attempt_id: int
    number: int


@dataclass(frozen=True, slots=True)
class OutgoingPart:
    key: PartKey
    destination: str
    short_message: bytes
    data_coding: int
    esm_class: int = 0
    # sar_msg_ref_num, sar_total_segments, sar_segment_seqnum when concatenated by TLVs.
    sar: tuple[int, int, int] | None = None


class ReceiptState(StrEnum):
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    EXPIRED = "expired"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class PartAccepted:
    key: PartKey
    message_id: str


@dataclass(frozen=True, slots=True)
class PartRejected:
    key: PartKey
    status: int
    reason: str


@dataclass(frozen=True, slots=True)
class Receipt:
    message_id: str
    state: ReceiptState
    text: str
    # The bind (count from 1) and the deliver_sm sequence it came with: where its answer goes.
    bind: int = field(default=0, compare=False)
    sequence: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class LinkState:
    bound: bool
    binds: int


LinkEvent = PartAccepted | PartRejected | Receipt | LinkState

# message_state TLV (SMPP 3.4 §5.2.28) and the stat: word of the receipt text.
_STATE_CODES = {2: ReceiptState.DELIVERED, 3: ReceiptState.EXPIRED, 5: ReceiptState.UNDELIVERED,
                8: ReceiptState.UNDELIVERED, 4: ReceiptState.UNDELIVERED}
_STAT_WORDS = {"DELIVRD": ReceiptState.DELIVERED, "EXPIRED": ReceiptState.EXPIRED,
               "UNDELIV": ReceiptState.UNDELIVERED, "REJECTD": ReceiptState.UNDELIVERED,
               "DELETED": ReceiptState.UNDELIVERED}


def _text(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return str(value or "").rstrip("\x00")


def parse_receipt(pdu: Pdu, bind: int = 0) -> Receipt | None:
    """The receipt in a deliver_sm: TLVs first, the ``id:``/``stat:`` text when they are absent."""
    text = _text(getattr(pdu, "short_message", b""))
    fields = dict(word.split(":", 1) for word in text.split() if ":" in word)
    message_id = _text(getattr(pdu, "receipted_message_id", None)) or fields.get("id", "")
    if not message_id:
        return None
    code = getattr(pdu, "message_state", None)
    state = _STATE_CODES.get(code) if code is not None else None
    if state is None:
        state = _STAT_WORDS.get(fields.get("stat", "").upper(), ReceiptState.OTHER)
    return Receipt(message_id, state, text, bind, pdu.sequence)


class _Dead(Exception):
    """The connection is over; unanswered parts go back to be written again."""


class _PduReader:
    """Whole PDUs out of a socket read in large chunks."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()

    def fill(self) -> None:
        try:
            chunk = self.sock.recv(1 << 16)
        except OSError as exc:
            raise _Dead(f"read failed: {exc!r}") from exc
        if not chunk:
            raise _Dead("the SMSC closed the connection")
        self.buffer += chunk

    def pdus(self, client: smpplib.client.Client) -> list[Pdu]:
        found = []
        while len(self.buffer) >= 4:
            length = int.from_bytes(self.buffer[:4], "big")
            if length < 16:
                raise _Dead(f"broken PDU length {length}")
            if len(self.buffer) < length:
                break
            raw = bytes(self.buffer[:length])
            del self.buffer[:length]
            found.append(parse(raw, client))
        return found


@dataclass
class _Throttle:
    """A pause after a throttling answer, doubled while they continue, reset by a success.

    A window of parts written before the pause began is throttled as one burst: only an answer
    to a part written after the pause started doubles it again.
    """

    first: float
    longest: float
    pause: float = 0.0
    until: float = 0.0
    began: float = -1.0

    def hit(self, now: float, sent_at: float) -> None:
        if sent_at < self.began:
            return
        self.pause = min(self.longest, self.pause * 2 if self.pause else self.first)
        self.began = now
        self.until = now + self.pause

    def clear(self) -> None:
        self.pause = 0.0


@dataclass
class _Rate:
    """A token bucket of ``rate`` writes a second (0: unlimited)."""

    rate: float
    tokens: float = 0.0
    last: float = field(default_factory=time.monotonic)

    def take(self, now: float) -> bool:
        if not self.rate:
            return True
        self.tokens = min(max(self.rate, 1.0), self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class SmppLink:
    """``submit`` parts from the event loop; read what happened from ``events``."""

    def __init__(self, settings: SmppSettings) -> None:
        self.settings = settings
        alphanumeric = not settings.source_addr.lstrip("+").isdigit()
        self._encoder = SubmitEncoder(
            settings.source_addr.lstrip("+"),
            smpplib.consts.SMPP_TON_ALNUM if alphanumeric else smpplib.consts.SMPP_TON_INTL,
            smpplib.consts.SMPP_NPI_UNK if alphanumeric else smpplib.consts.SMPP_NPI_ISDN)
        self.events: asyncio.Queue[LinkEvent] = asyncio.Queue()
        self._incoming: SimpleQueue[OutgoingPart] = SimpleQueue()
        # Stored receipts to answer: (bind, deliver_sm sequence).
        self._acks: SimpleQueue[tuple[int, int]] = SimpleQueue()
        # Parts to write before new ones: throttled, or unanswered on a connection that ended.
        self._again: collections.deque[OutgoingPart] = collections.deque()
        self._in_flight: dict[int, tuple[OutgoingPart, float]] = {}
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        self._woken = False
        self._stopping = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._binds = 0
        # Events of one turn of the thread, handed to the event loop together.
        self._outbox: list[LinkEvent] = []
        # PDUs of one turn, written with one sendall.
        self._writes = bytearray()
        # Counters for tests and the benchmark: throttling answers, parts written again.
        self.throttled = 0
        self.resent = 0

    @property
    def parts_in_flight(self) -> int:
        """Parts written to the SMSC and not answered yet (read from the event loop: a snapshot)."""
        return len(self._in_flight)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._run, name="smpp-link", daemon=True)
        self._thread.start()

    def submit(self, parts: list[OutgoingPart]) -> None:
        for part in parts:
            self._incoming.put(part)
        # One wake-up until the thread has looked: a write per part would hand the GIL to the
        # thread each time (half a millisecond a message under load).
        if not self._woken:
            self._woken = True
            self._wake()

    def acknowledge(self, receipts: list[Receipt]) -> None:
        """Answer receipts now stored: the SMSC may forget them (the module docstring)."""
        for receipt in receipts:
            self._acks.put((receipt.bind, receipt.sequence))
        if receipts and not self._woken:
            self._woken = True
            self._wake()

    async def stop(self) -> None:
        """Unbind and end the thread; parts not yet answered are abandoned (the caller knows them)."""
        self._stopping.set()
        self._wake()
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join)
        os.close(self._wake_r)
        os.close(self._wake_w)

    def _wake(self) -> None:
        try:
            os.write(self._wake_w, b"x")
        except BlockingIOError:
            pass  # the pipe is full: the thread is already due to wake

    def _emit(self, event: LinkEvent) -> None:
        self._outbox.append(event)

    def _deliver_events(self) -> None:
        if not self._outbox:
            return
        assert self._loop is not None
        events, self._outbox = self._outbox, []
        try:
            self._loop.call_soon_threadsafe(self._put_all, events)
        except RuntimeError:
            # The event loop is gone (its owner ended without stop()): no one is listening.
            self._stopping.set()

    def _put_all(self, events: list[LinkEvent]) -> None:
        for event in events:
            self.events.put_nowait(event)


    def _flush(self, sock: socket.socket) -> None:
        if self._writes:
            data, self._writes = bytes(self._writes), bytearray()
            try:
                sock.sendall(data)
            except OSError as exc:
                raise _Dead(f"write failed: {exc!r}") from exc

    # The thread.

    def _run(self) -> None:
        backoff = self.settings.reconnect_min_seconds
        while not self._stopping.is_set():
            client = self._client()
            try:
                self._bind(client)
                backoff = self.settings.reconnect_min_seconds
                self._binds += 1
                self._emit(LinkState(True, self._binds))
                self._deliver_events()
                self._serve(client)
            except (_Dead, smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError,
                    OSError) as exc:
                log.warning("SMPP connection to %s:%s ended: %r", self.settings.host,
                            self.settings.port, exc)
            except Exception:
                # A bug must not end the thread silently with parts in its hands: log, reconnect.
                log.exception("SMPP link failed")
            finally:
                self._writes.clear()
                self._requeue_unanswered()
                client.disconnect()
                self._emit(LinkState(False, self._binds))
                self._deliver_events()
            if not self._stopping.is_set():
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, self.settings.reconnect_max_seconds)

    def _client(self) -> smpplib.client.Client:
        return smpplib.client.Client(self.settings.host, self.settings.port,
                                     timeout=self.settings.response_timeout_seconds,
                                     allow_unknown_opt_params=True)

    def _bind(self, client: smpplib.client.Client) -> None:
        client.connect()
        # smpplib never sets TCP_NODELAY; without it receipts and responses wait for Nagle's
        # delayed ACK and one bind falls from ~4 k to under 2 k messages a second (PEERS.md).
        client._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client.bind_transceiver(system_id=self.settings.system_id, password=self.settings.password,
                                system_type=self.settings.system_type)

    def _requeue_unanswered(self) -> None:
        unanswered = [part for _, (part, _) in sorted(self._in_flight.items())]
        self._in_flight.clear()
        self.resent += len(unanswered)
        self._again.extendleft(reversed(unanswered))

    def _serve(self, client: smpplib.client.Client) -> None:
        sock = client._socket
        reader = _PduReader(sock)
        throttle = _Throttle(self.settings.throttle_pause_seconds,
                             self.settings.throttle_max_pause_seconds)
        rate = _Rate(self.settings.rate)
        last_traffic = time.monotonic()
        while True:
            now = time.monotonic()
            if self._stopping.is_set():
                self._answer_stored()
                self._flush(sock)
                self._unbind(client, reader)
                return
            self._answer_stored()
            self._send_due(client, throttle, rate, now)
            self._flush(sock)
            self._deliver_events()
            timeout = self._select_timeout(throttle, rate, now)
            readable, _, _ = select.select([sock, self._wake_r], [], [], timeout)
            if self._wake_r in readable:
                os.read(self._wake_r, 4096)
                self._woken = False
            if sock in readable:
                reader.fill()
                unbound = False
                # Every PDU read is handled, also those after an unbind in the same read: the
                # SMSC may answer parts after asking to unbind, and an answer dropped here
                # would make that part be sent twice.
                for pdu in reader.pdus(client):
                    unbound = self._handle(pdu, throttle) or unbound
                if unbound:
                    self._flush(sock)
                    self._drain_after_unbind(client, reader)
                    return
                last_traffic = time.monotonic()
            now = time.monotonic()
            if self._in_flight:
                # Dicts keep insertion order, so the first part in flight is the oldest.
                _, oldest = next(iter(self._in_flight.values()))
                if now - oldest > self.settings.response_timeout_seconds:
                    raise _Dead(f"no answer in {self.settings.response_timeout_seconds} s")
            if now - last_traffic > self.settings.enquire_link_seconds:
                self._writes += header(ENQUIRE_LINK, client.next_sequence())
                last_traffic = now

    def _select_timeout(self, throttle: _Throttle, rate: _Rate, now: float) -> float:
        timeout = min(1.0, self.settings.enquire_link_seconds)
        if throttle.until > now:
            timeout = min(timeout, throttle.until - now)
        elif rate.rate and (self._again or not self._incoming.empty()):
            timeout = min(timeout, 1.0 / rate.rate)
        return max(timeout, 0.0)

    def _next_part(self) -> OutgoingPart | None:
        if self._again:
            return self._again.popleft()
        try:
            return self._incoming.get_nowait()
        except Empty:
            return None

    def _send_due(self, client: smpplib.client.Client, throttle: _Throttle, rate: _Rate,
                  now: float) -> None:
        while len(self._in_flight) < self.settings.window and throttle.until <= now:
            part = self._next_part()
            if part is None:
                return
            if not rate.take(now):
                self._again.appendleft(part)
                return
            sequence = client.next_sequence()
            self._writes += self._encoder.encode(sequence, part.destination.lstrip("+"),
                                                 part.short_message, part.data_coding,
                                                 part.esm_class, part.sar)
            self._in_flight[sequence] = (part, now)

    def _handle(self, pdu: Pdu, throttle: _Throttle) -> bool:
        """Act on one PDU; True when the SMSC asked to unbind."""
        command = pdu.command_id
        if command in (SUBMIT_SM_RESP, GENERIC_NACK):
            name = "submit_sm_resp" if command == SUBMIT_SM_RESP else "generic_nack"
            sent = self._in_flight.pop(pdu.sequence, None)
            if sent is None:
                log.warning("%s for unknown sequence %s", name, pdu.sequence)
                return False
            part, sent_at = sent
            status = pdu.status
            if status == smpplib.consts.SMPP_ESME_ROK and command == SUBMIT_SM_RESP:
                throttle.clear()
                self._emit(PartAccepted(part.key, pdu.message_id))
            elif status in THROTTLING_STATUSES:
                self.throttled += 1
                throttle.hit(time.monotonic(), sent_at)
                self._again.append(part)
            else:
                reason = smpplib.consts.DESCRIPTIONS.get(status, "unknown status")
                self._emit(PartRejected(part.key, status, f"{name} 0x{status:08X}: {reason}"))
        elif command == DELIVER_SM:
            receipt = None
            if pdu.esm_class & RECEIPT_ESM_CLASS:
                receipt = parse_receipt(pdu, self._binds)
            else:
                log.info("incoming SMS from %s ignored", pdu.source_addr)
            if receipt is None:
                self._answer(DELIVER_SM_RESP, pdu, b"\x00")
            else:
                # Answered by ``acknowledge`` once the worker has stored it.
                self._emit(receipt)
        elif command == ENQUIRE_LINK:
            self._answer(ENQUIRE_LINK_RESP, pdu)
        elif command == UNBIND:
            self._answer(UNBIND_RESP, pdu)
            return True
        elif command not in (ENQUIRE_LINK_RESP, UNBIND_RESP):
            log.warning("unhandled SMPP command 0x%08X %s", command, pdu.message_id)
        return False

    def _answer(self, command_id: int, request: Pdu, body: bytes = b"") -> None:
        self._writes += header(command_id, request.sequence, body)

    def _answer_stored(self) -> None:
        while True:
            try:
                bind, sequence = self._acks.get_nowait()
            except Empty:
                return
            if bind == self._binds:
                self._writes += header(DELIVER_SM_RESP, sequence, b"\x00")

    def _read_until(self, client: smpplib.client.Client, reader: _PduReader, done: Callable[[], bool],
                    on_pdu: Callable[[Pdu], None]) -> None:
        deadline = time.monotonic() + UNBIND_DRAIN_SECONDS
        try:
            while not done() and time.monotonic() < deadline:
                if not select.select([reader.sock], [], [], deadline - time.monotonic())[0]:
                    return
                reader.fill()
                for pdu in reader.pdus(client):
                    on_pdu(pdu)
                self._flush(reader.sock)
        except _Dead:
            return

    def _drain_after_unbind(self, client: smpplib.client.Client, reader: _PduReader) -> None:
        """Read what the SMSC sent before closing: answers to parts it took before its unbind."""
        throttle = _Throttle(0.0, 0.0)
        self._read_until(client, reader, lambda: not self._in_flight,
                         lambda pdu: self._handle(pdu, throttle))

    def _unbind(self, client: smpplib.client.Client, reader: _PduReader) -> None:
        unbound = threading.Event()
        throttle = _Throttle(0.0, 0.0)

        def on_pdu(pdu: Pdu) -> None:
            if pdu.command_id == UNBIND_RESP:
                unbound.set()
            else:
                self._handle(pdu, throttle)

        self._writes += header(UNBIND, client.next_sequence())
        try:
            self._flush(reader.sock)
        except _Dead:
            return
        self._read_until(client, reader, unbound.is_set, on_pdu)
