"""Accounts: a session version (ending every session at once), the moment of
deletion, and the throttle_events table (failed sign-ins and emails asked
for, counted across servers).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 11:10:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(), nullable=True))
    op.create_table(
        'throttle_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_throttle_events')),
    )
    with op.batch_alter_table('throttle_events', schema=None) as batch_op:
        batch_op.create_index('ix_throttle_events_kind_key_at', ['kind', 'key', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_throttle_events_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('throttle_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_throttle_events_created_at'))
        batch_op.drop_index('ix_throttle_events_kind_key_at')
    op.drop_table('throttle_events')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('session_version')
