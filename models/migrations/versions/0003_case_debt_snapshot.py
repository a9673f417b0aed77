"""case debt snapshot

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 22:54:47.889224
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

import models.column_types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('debt_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('current_debt', sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column('days_overdue', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('debt_as_of', sa.Date(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('debt_case', schema=None) as batch_op:
        batch_op.drop_column('debt_as_of')
        batch_op.drop_column('days_overdue')
        batch_op.drop_column('current_debt')

