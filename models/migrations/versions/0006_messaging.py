"""messaging: the peer's message id on an attempt, and the SMS parts receipts are matched to

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 14:40:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

import models.column_types


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.String(length=255), server_default='', nullable=False))
    op.create_table(
        'sms_part',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.String(length=65), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('accepted_at', models.column_types.UtcDateTime(timezone=True), nullable=False),
        sa.Column('receipt_at', models.column_types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('uq_sms_part', 'sms_part', ['attempt_id', 'number'], unique=True)
    op.create_index('ix_sms_part_message_id', 'sms_part', ['message_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_sms_part_message_id', table_name='sms_part')
    op.drop_index('uq_sms_part', table_name='sms_part')
    op.drop_table('sms_part')
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_column('message_id')
