"""foundation: creditor, building, account, person, ownership, charge, payment

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 21:25:01.785823
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

import models.column_types


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('creditor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inn', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('short_name', sa.String(length=200), nullable=False),
    sa.Column('ogrn', sa.String(length=15), nullable=False),
    sa.Column('kpp', sa.String(length=9), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('bank_name', sa.String(length=300), nullable=False),
    sa.Column('bik', sa.String(length=9), nullable=False),
    sa.Column('bank_account', sa.String(length=20), nullable=False),
    sa.Column('corr_account', sa.String(length=20), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_creditor')),
    sa.UniqueConstraint('inn', name=op.f('uq_creditor_inn'))
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('middle_name', sa.String(length=100), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('birth_place', sa.String(length=300), nullable=False),
    sa.Column('snils', sa.String(length=14), nullable=False),
    sa.Column('inn', sa.String(length=12), nullable=False),
    sa.Column('passport', sa.String(length=32), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('code', name=op.f('uq_person_code'))
    )
    op.create_table('building',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('creditor_id', sa.Integer(), nullable=True),
    sa.Column('region', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=200), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('house', sa.String(length=50), nullable=False),
    sa.Column('postal_code', sa.String(length=6), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('due_day', sa.SmallInteger(), nullable=True),
    sa.ForeignKeyConstraint(['creditor_id'], ['creditor.id'], name=op.f('fk_building_creditor_id_creditor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_building')),
    sa.UniqueConstraint('code', name=op.f('uq_building_code'))
    )
    with op.batch_alter_table('building', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_building_creditor_id'), ['creditor_id'], unique=False)

    op.create_table('contact_refusal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('recorded_at', models.column_types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_contact_refusal_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_refusal')),
    sa.UniqueConstraint('person_id', 'channel', name=op.f('uq_contact_refusal_person_id_channel'))
    )
    with op.batch_alter_table('contact_refusal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_refusal_person_id'), ['person_id'], unique=False)

    op.create_table('person_email',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('valid', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_person_email_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_email')),
    sa.UniqueConstraint('person_id', 'address', name=op.f('uq_person_email_person_id_address'))
    )
    with op.batch_alter_table('person_email', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_email_person_id'), ['person_id'], unique=False)

    op.create_table('person_phone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('valid', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_person_phone_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_phone')),
    sa.UniqueConstraint('person_id', 'number', name=op.f('uq_person_phone_person_id_number'))
    )
    with op.batch_alter_table('person_phone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_phone_person_id'), ['person_id'], unique=False)

    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('premises', sa.String(length=32), nullable=False),
    sa.Column('area', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('debtor_kind', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['building.id'], name=op.f('fk_account_building_id_building')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
    sa.UniqueConstraint('number', name=op.f('uq_account_number'))
    )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_building_id'), ['building_id'], unique=False)

    op.create_table('charge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('service', sa.String(length=100), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_charge_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charge')),
    sa.UniqueConstraint('account_id', 'period', 'service', name=op.f('uq_charge_account_id_period_service'))
    )
    op.create_table('ownership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('share_numerator', sa.Integer(), nullable=False),
    sa.Column('share_denominator', sa.Integer(), nullable=False),
    sa.Column('is_minor', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_ownership_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_ownership_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ownership')),
    sa.UniqueConstraint('account_id', 'person_id', name=op.f('uq_ownership_account_id_person_id'))
    )
    with op.batch_alter_table('ownership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ownership_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ownership_person_id'), ['person_id'], unique=False)

    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('period', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_payment_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment')),
    sa.UniqueConstraint('external_id', name=op.f('uq_payment_external_id'))
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index('ix_payment_account_id_paid_on', ['account_id', 'paid_on'], unique=False)

    op.create_table('ownership_representative',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ownership_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ownership_id'], ['ownership.id'], name=op.f('fk_ownership_representative_ownership_id_ownership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_ownership_representative_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ownership_representative')),
    sa.UniqueConstraint('ownership_id', 'person_id', name=op.f('uq_ownership_representative_ownership_id_person_id'))
    )
    with op.batch_alter_table('ownership_representative', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ownership_representative_ownership_id'), ['ownership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ownership_representative_person_id'), ['person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ownership_representative', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ownership_representative_person_id'))
        batch_op.drop_index(batch_op.f('ix_ownership_representative_ownership_id'))

    op.drop_table('ownership_representative')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_account_id_paid_on')

    op.drop_table('payment')
    with op.batch_alter_table('ownership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ownership_person_id'))
        batch_op.drop_index(batch_op.f('ix_ownership_account_id'))

    op.drop_table('ownership')
    op.drop_table('charge')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_building_id'))

    op.drop_table('account')
    with op.batch_alter_table('person_phone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_phone_person_id'))

    op.drop_table('person_phone')
    with op.batch_alter_table('person_email', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_email_person_id'))

    op.drop_table('person_email')
    with op.batch_alter_table('contact_refusal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_refusal_person_id'))

    op.drop_table('contact_refusal')
    with op.batch_alter_table('building', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_building_creditor_id'))

    op.drop_table('building')
    op.drop_table('person')
    op.drop_table('creditor')
