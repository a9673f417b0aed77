"""users, audit log, courier routes and the case registry's indexes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 15:05:00.000000
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

import models.column_types


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('api_token_hash', sa.String(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', models.column_types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('api_token_hash'),
    sa.UniqueConstraint('login')
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', models.column_types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('user_login', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=100), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('remote', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_user_login'), ['user_login'], unique=False)
        batch_op.create_index('ix_audit_log_subject', ['subject', 'at'], unique=False)
    op.create_table('courier_route',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['building.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('building_id')
    )
    with op.batch_alter_table('courier_route', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_courier_route_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('debt_case', schema=None) as batch_op:
        batch_op.create_index('ix_debt_case_status_id', ['status', 'id'], unique=False)
        batch_op.create_index('ix_debt_case_stage_id', ['stage', 'id'], unique=False)
        batch_op.create_index('ix_debt_case_current_debt', ['current_debt'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('debt_case', schema=None) as batch_op:
        batch_op.drop_index('ix_debt_case_current_debt')
        batch_op.drop_index('ix_debt_case_stage_id')
        batch_op.drop_index('ix_debt_case_status_id')
    with op.batch_alter_table('courier_route', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_courier_route_user_id'))
    op.drop_table('courier_route')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_subject')
        batch_op.drop_index(batch_op.f('ix_audit_log_user_login'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
    op.drop_table('audit_log')
    op.drop_table('app_user')
