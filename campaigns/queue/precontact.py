"""The checks a claimed attempt passes before any contact is made.

Run inside the claim's transaction, after the attempt row is taken: the case must still want
this contact (a case suspended by a promise still gets the payment details the bot promised
in that call), the debtor must still owe (a debtor who paid since the wave was planned is never
contacted), and the contact budget (hours, refusals, 230-ФЗ frequency limits) must allow it,
checked under the debtor's row lock so that concurrent workers see each other's claims.
"""
from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.budget.limits import check_budget, check_hours, lock_person
from campaigns.outcomes.rules import PAYMENT_DETAILS_STEP
from campaigns.queue.claims import ClaimedAttempt, Verdict
from models.entities import Account, Building, Case
from models.enums import CaseStatus, Channel
from models.ledger.bulk import account_ledger_for

PAID = "долг погашен — контакт не нужен"


async def pre_contact_check(session: AsyncSession, attempt: ClaimedAttempt, now: datetime) -> Verdict:
    case, tz_name = (await session.execute(
        select(Case, Building.timezone).join(Account, Account.id == Case.account_id)
        .join(Building, Building.id == Account.building_id).where(Case.id == attempt.case_id))).one()
    zone = ZoneInfo(tz_name)
    local_today = now.astimezone(zone).date()
    promised_details = (attempt.step_code == PAYMENT_DETAILS_STEP
                        and case.status == CaseStatus.SUSPENDED.value)
    if case.status != CaseStatus.ACTIVE.value and not promised_details:
        # A paused, escalated or closed case is not contacted on contacts planned before.
        return Verdict(go=False, reason=f"дело не в работе ({case.status}: {case.status_reason})")
    if attempt.channel == Channel.CALL.value and case.no_call_until and local_today < case.no_call_until:
        resume = datetime.combine(case.no_call_until, time(), zone)
        return Verdict(go=False, retry_at=resume, reason="абонент прослушал сообщение до конца")
    ledger = await account_ledger_for(session, case.account_id, local_today)
    if ledger.real_debt <= 0:
        return Verdict(go=False, reason=PAID)
    if attempt.person_id is None:
        # No one to count contacts against (a notice to the premises), but the hours still hold.
        decision = check_hours(now, tz_name)
    else:
        await lock_person(session, attempt.person_id)
        decision = await check_budget(session, attempt.person_id, attempt.channel, now, tz_name,
                                      exclude_attempt_id=attempt.id)
    if decision.allowed:
        return Verdict(go=True)
    return Verdict(go=False, retry_at=decision.retry_at, reason=decision.reason)
