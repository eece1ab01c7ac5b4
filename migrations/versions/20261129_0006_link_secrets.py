"""Secrets of emailed and calendar links: the calendar feed's token is kept
only as its SHA-256 (with the salt it is derived from), and unsubscribe links
carry a per-account nonce (changing it revokes them).

Existing calendar tokens are replaced by their SHA-256, so addresses already
added to calendar apps keep working.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 14:20:00

"""
import hashlib

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

users = sa.table('users', sa.column('id', sa.Integer), sa.column('calendar_token', sa.String))


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_salt', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('link_nonce', sa.String(length=32), server_default='', nullable=False))
    conn = op.get_bind()
    rows = conn.execute(sa.select(users.c.id, users.c.calendar_token).where(users.c.calendar_token.is_not(None)))
    for user_id, token in rows.fetchall():
        digest = hashlib.sha256(token.encode()).hexdigest()
        conn.execute(users.update().where(users.c.id == user_id).values(calendar_token=digest))


def downgrade():
    # The calendar tokens cannot be recovered from their hashes: calendar addresses are made anew.
    conn = op.get_bind()
    conn.execute(users.update().values(calendar_token=None))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('link_nonce')
        batch_op.drop_column('calendar_salt')
