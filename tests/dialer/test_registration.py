"""Registration with digest auth, its failures reported and retried (PEERS.md pyVoIP defect 5).

pyVoIP 1.6.8: a wrong password does not raise and is seen only later in get_status(); a registrar
that is down blocks start() 30 s and call() for ever; three failures stop the phone for good.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from dialer.line import PhoneLine
from dialer.sip.registration import RegistrationStatus
from dialer.peers.processes import Kamailio, free_udp_port

REGISTERED, FAILED = RegistrationStatus.REGISTERED, RegistrationStatus.FAILED


async def test_registers_with_digest_auth(kamailio: Kamailio, make_line: Callable[..., PhoneLine]) -> None:
    line = make_line(kamailio.port)
    await line.start()
    state = await line.wait_registration(REGISTERED, FAILED, timeout=5)
    assert state.status == REGISTERED
    assert state.expires_s == 300


async def test_wrong_password_is_reported_at_once(
        kamailio: Kamailio, make_line: Callable[..., PhoneLine]) -> None:
    line = make_line(kamailio.port, password="wrong")
    started = time.monotonic()
    await line.start()
    state = await line.wait_registration(REGISTERED, FAILED, timeout=5)
    assert state.status == FAILED
    assert "учётные данные" in state.reason
    assert time.monotonic() - started < 1.0


async def test_registrar_down_at_start_is_reported_then_retried_until_it_is_up(
        tmp_path: Path, make_line: Callable[..., PhoneLine]) -> None:
    port = free_udp_port()
    line = make_line(port, register_timeout_s=0.5, register_retry_s=0.5)
    started = time.monotonic()
    await line.start()
    assert time.monotonic() - started < 0.5, "start() does not wait for the registrar"
    state = await line.wait_registration(FAILED, timeout=3)
    assert state.reason == "регистратор не отвечает"
    proxy = Kamailio(tmp_path, ("WITH_AUTH",), port=port).start()
    try:
        assert (await line.wait_registration(REGISTERED, timeout=5)).status == REGISTERED
    finally:
        proxy.stop()


async def test_registrar_down_mid_run_is_reported_and_the_binding_comes_back(
        tmp_path: Path, make_line: Callable[..., PhoneLine]) -> None:
    proxy = Kamailio(tmp_path, ("WITH_AUTH",)).start()
    line = make_line(proxy.port, register_expires_s=2, register_timeout_s=0.5, register_retry_s=0.5)
    await line.start()
    await line.wait_registration(REGISTERED, timeout=5)
    proxy.stop()
    assert (await line.wait_registration(FAILED, timeout=5)).reason == "регистратор не отвечает"
    restarted = Kamailio(tmp_path, ("WITH_AUTH",), port=proxy.port).start()
    try:
        await line.wait_registration(REGISTERED, timeout=5)
        statuses = [state.status for state in line.registration_history]
        assert statuses[-1] == REGISTERED and FAILED in statuses
    finally:
        restarted.stop()
