"""Every mapped entity, imported in one place so the metadata is complete for Alembic and tests."""
from __future__ import annotations

from models.account import Account
from models.billing import Charge, Payment
from models.building import Building
from models.case import Case, CaseEvent, Dispute, Instalment, Promise
from models.court_filing import CourtFiling
from models.courier import CourierDelivery
from models.organisation import Creditor
from models.outreach import Attempt, SmsPart, Wave, WaveMember
from models.ownership import Ownership, OwnershipRepresentative
from models.person import ContactRefusal, Person, PersonEmail, PersonPhone
from models.plan import WorkPlan
from models.user import AuditEntry, CourierRoute, User, WebSession

__all__ = [
    "Account",
    "Attempt",
    "AuditEntry",
    "Building",
    "Case",
    "CaseEvent",
    "Charge",
    "CourtFiling",
    "ContactRefusal",
    "Creditor",
    "CourierDelivery",
    "CourierRoute",
    "Dispute",
    "Instalment",
    "Ownership",
    "OwnershipRepresentative",
    "Payment",
    "Person",
    "PersonEmail",
    "PersonPhone",
    "Promise",
    "SmsPart",
    "User",
    "Wave",
    "WaveMember",
    "WebSession",
    "WorkPlan",
]
