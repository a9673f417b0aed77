"""campaigns

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 22:37:25.021924
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

import models.column_types


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('wave',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('template', sa.String(length=100), nullable=False),
    sa.Column('step_code', sa.String(length=64), nullable=False),
    sa.Column('segment', sa.JSON(), nullable=False),
    sa.Column('window_start', models.column_types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('window_end', models.column_types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('per_minute', sa.Integer(), nullable=False),
    sa.Column('max_concurrent', sa.Integer(), nullable=False),
    sa.Column('holdout_share', sa.Numeric(precision=4, scale=3, asdecimal=False), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', models.column_types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wave'))
    )
    op.create_table('work_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('debtor_kind', sa.String(length=16), nullable=False),
    sa.Column('is_master', sa.Boolean(), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('loaded_at', models.column_types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_plan')),
    sa.UniqueConstraint('code', 'version', name=op.f('uq_work_plan_code_version'))
    )
    op.create_table('debt_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_reason', sa.String(length=200), nullable=False),
    sa.Column('suspended_until', sa.Date(), nullable=True),
    sa.Column('opened_at', models.column_types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('stage_entered_at', models.column_types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', models.column_types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('debt_at_open', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('last_contact_at', models.column_types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('no_call_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_debt_case_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['work_plan.id'], name=op.f('fk_debt_case_plan_id_work_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_debt_case'))
    )
    with op.batch_alter_table('debt_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_debt_case_account_id'), ['account_id'], unique=False)
        batch_op.create_index('ix_debt_case_status_stage', ['status', 'stage'], unique=False)
        batch_op.create_index('uq_debt_case_open_account', ['account_id'], unique=True, sqlite_where=sa.text("status != 'closed'"), postgresql_where=sa.text("status != 'closed'"))

    op.create_table('attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('wave_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('template', sa.String(length=100), nullable=False),
    sa.Column('step_code', sa.String(length=64), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('not_before', models.column_types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('lease_owner', sa.String(length=100), nullable=False),
    sa.Column('lease_expires_at', models.column_types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('started_at', models.column_types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', models.column_types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('outcome_data', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', models.column_types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['debt_case.id'], name=op.f('fk_attempt_case_id_debt_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_attempt_person_id_person')),
    sa.ForeignKeyConstraint(['wave_id'], ['wave.id'], name=op.f('fk_attempt_wave_id_wave')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_attempt_idempotency_key'))
    )
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_attempt_person_started', ['person_id', 'channel', 'started_at'], unique=False)
        batch_op.create_index('ix_attempt_queue', ['status', 'not_before'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempt_wave_id'), ['wave_id'], unique=False)

    op.create_table('case_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('at', models.column_types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['debt_case.id'], name=op.f('fk_case_event_case_id_debt_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_event'))
    )
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_event_case_id'), ['case_id'], unique=False)

    op.create_table('dispute',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('period', sa.Date(), nullable=True),
    sa.Column('service', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', models.column_types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['debt_case.id'], name=op.f('fk_dispute_case_id_debt_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute'))
    )
    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_case_id'), ['case_id'], unique=False)

    op.create_table('instalment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('total', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('schedule', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', models.column_types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['debt_case.id'], name=op.f('fk_instalment_case_id_debt_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instalment'))
    )
    with op.batch_alter_table('instalment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instalment_case_id'), ['case_id'], unique=False)

    op.create_table('promise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('pay_by', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', models.column_types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['debt_case.id'], name=op.f('fk_promise_case_id_debt_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promise'))
    )
    with op.batch_alter_table('promise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_promise_case_id'), ['case_id'], unique=False)

    op.create_table('wave_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('holdout', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['debt_case.id'], name=op.f('fk_wave_member_case_id_debt_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['wave_id'], ['wave.id'], name=op.f('fk_wave_member_wave_id_wave'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wave_member'))
    )
    with op.batch_alter_table('wave_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wave_member_case_id'), ['case_id'], unique=False)
        batch_op.create_index('uq_wave_member', ['wave_id', 'case_id'], unique=True)



def downgrade() -> None:
    with op.batch_alter_table('wave_member', schema=None) as batch_op:
        batch_op.drop_index('uq_wave_member')
        batch_op.drop_index(batch_op.f('ix_wave_member_case_id'))

    op.drop_table('wave_member')
    with op.batch_alter_table('promise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_promise_case_id'))

    op.drop_table('promise')
    with op.batch_alter_table('instalment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instalment_case_id'))

    op.drop_table('instalment')
    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispute_case_id'))

    op.drop_table('dispute')
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_event_case_id'))

    op.drop_table('case_event')
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_wave_id'))
        batch_op.drop_index('ix_attempt_queue')
        batch_op.drop_index('ix_attempt_person_started')
        batch_op.drop_index(batch_op.f('ix_attempt_case_id'))

    op.drop_table('attempt')
    with op.batch_alter_table('debt_case', schema=None) as batch_op:
        batch_op.drop_index('uq_debt_case_open_account', sqlite_where=sa.text("status != 'closed'"), postgresql_where=sa.text("status != 'closed'"))
        batch_op.drop_index('ix_debt_case_status_stage')
        batch_op.drop_index(batch_op.f('ix_debt_case_account_id'))

    op.drop_table('debt_case')
    op.drop_table('work_plan')
    op.drop_table('wave')
