"""courier deliveries synced from the offline courier page

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 17:40:00.000000
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

import models.column_types


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('courier_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('client_key', sa.String(length=64), nullable=False),
    sa.Column('courier_login', sa.String(length=64), nullable=False),
    sa.Column('device_time', models.column_types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('received_at', models.column_types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('photo', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('attempt_id'),
    sa.UniqueConstraint('client_key')
    )


def downgrade() -> None:
    op.drop_table('courier_delivery')
