"""legal: the debtor's bank, and a court order's debtor, delivery, objection and entry into force

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 17:45:00.000000
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bank_name', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('bik', sa.String(length=9), server_default='', nullable=False))
        batch_op.add_column(sa.Column('bank_account', sa.String(length=20), server_default='', nullable=False))
    with op.batch_alter_table('court_filing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('copy_received_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('objection_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('objection_text', sa.String(length=2000), server_default='', nullable=False))
        batch_op.add_column(sa.Column('in_force_on', sa.Date(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_court_filing_person_id_person'), 'person', ['person_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('court_filing', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_court_filing_person_id_person'), type_='foreignkey')
        batch_op.drop_column('in_force_on')
        batch_op.drop_column('objection_text')
        batch_op.drop_column('objection_on')
        batch_op.drop_column('copy_received_on')
        batch_op.drop_column('person_id')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('bank_account')
        batch_op.drop_column('bik')
        batch_op.drop_column('bank_name')
