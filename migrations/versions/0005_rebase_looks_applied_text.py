"""drafts.needs_look and corrections.applied_text: rebases that merge word by word

drafts.needs_look keeps what a rebase asked the author to check (the words both the draft and
a newer version changed) until the author marks it checked; corrections.applied_text is the
words an applied correction put in the text, so a draft that would take them out is refused
until the author confirms.

Revision ID: 0005_rebase_looks_applied_text
Revises: 0004_comments_article_state
Create Date: 2026-12-01 21:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_rebase_looks_applied_text'
down_revision = '0004_comments_article_state'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('needs_look', sa.Text(), server_default='[]', nullable=False)
        )
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applied_text', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.drop_column('applied_text')
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_column('needs_look')
