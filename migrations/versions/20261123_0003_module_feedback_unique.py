"""One module feedback per learner and module: UNIQUE(user_id, module_id).

Sending feedback again replaces the learner's last one, but two sends at the
same moment could both insert. Before the constraint, any duplicates are
reduced to the latest of each learner and module (the one the app shows and
counts already).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 21:15:00

"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "DELETE FROM module_feedback WHERE EXISTS ("
        " SELECT 1 FROM module_feedback AS later"
        " WHERE later.user_id = module_feedback.user_id AND later.module_id = module_feedback.module_id"
        " AND (later.created_at > module_feedback.created_at"
        "      OR (later.created_at = module_feedback.created_at AND later.id > module_feedback.id)))"
    )
    with op.batch_alter_table('module_feedback', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_module_feedback_user_id_module_id'), ['user_id', 'module_id'])


def downgrade():
    with op.batch_alter_table('module_feedback', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_module_feedback_user_id_module_id'), type_='unique')
