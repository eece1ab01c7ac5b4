"""The administrators' dashboard figures as last computed (dashboard_figures:
one row per figure kind, its ids and counts as JSON, the day they are for and
when they were computed), so the page reads them instead of aggregating
every learner's rows.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 16:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dashboard_figures',
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_dashboard_figures'))
    )


def downgrade():
    op.drop_table('dashboard_figures')
