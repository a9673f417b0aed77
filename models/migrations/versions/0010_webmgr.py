"""dashboard: contacts per day read from an index of finished attempts

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 17:50:00
"""
from __future__ import annotations

from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_attempt_finished', 'attempt', ['finished_at', 'channel', 'outcome'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_attempt_finished', table_name='attempt')
