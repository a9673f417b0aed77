"""attempt wave status index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 23:17:01.422792
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

import models.column_types


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_wave_id'))
        batch_op.create_index('ix_attempt_wave_status', ['wave_id', 'status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_attempt_wave_status')
        batch_op.create_index(batch_op.f('ix_attempt_wave_id'), ['wave_id'], unique=False)

