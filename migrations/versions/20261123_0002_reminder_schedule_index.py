"""Index reminder_schedules by (weekday, minute): the scheduler's one query
for every learner due in a window reads it instead of the whole table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:00:00

"""
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reminder_schedules', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_schedules_weekday_minute', ['weekday', 'minute'], unique=False)


def downgrade():
    with op.batch_alter_table('reminder_schedules', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_schedules_weekday_minute')
