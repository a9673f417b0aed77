"""Every mapped entity, imported in one place so the metadata is complete for Alembic and tests."""
from __future__ import annotations

from models.account import Account
from models.billing import Charge, Payment
from models.building import Building
from models.organisation import Creditor
from models.ownership import Ownership, OwnershipRepresentative
from models.person import ContactRefusal, Person, PersonEmail, PersonPhone

__all__ = [
    "Account",
    "Building",
    "Charge",
    "ContactRefusal",
    "Creditor",
    "Ownership",
    "OwnershipRepresentative",
    "Payment",
    "Person",
    "PersonEmail",
    "PersonPhone",
]
