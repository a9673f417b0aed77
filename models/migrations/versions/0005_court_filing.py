"""court filing

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 14:20:00.000000
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

import models.column_types


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('court_filing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('first_period', sa.Date(), nullable=False),
    sa.Column('last_period', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('fee_paid', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('court_code', sa.String(length=32), nullable=False),
    sa.Column('case_number', sa.String(length=64), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('cancelled_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_court_filing_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_court_filing'))
    )
    with op.batch_alter_table('court_filing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_court_filing_account_id'), ['account_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('court_filing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_court_filing_account_id'))
    op.drop_table('court_filing')
