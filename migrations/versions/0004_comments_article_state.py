"""comments: one index for an article's visible comments (page, validator, counts)

ix_comments_article_state (article_id, status, section_id, published_at, edited_at)
replaces ix_comments_article_id, its first column: with 100,000 pending comments on an
article, the page's count and validator read the article's published comments only.

Revision ID: 0004_comments_article_state
Revises: 0003_drafts
Create Date: 2026-12-01 20:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0004_comments_article_state'
down_revision = '0003_drafts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_comments_article_state',
        'comments',
        ['article_id', 'status', 'section_id', 'published_at', 'edited_at'],
        unique=False,
    )
    op.drop_index('ix_comments_article_id', table_name='comments')


def downgrade():
    op.create_index('ix_comments_article_id', 'comments', ['article_id'], unique=False)
    op.drop_index('ix_comments_article_state', table_name='comments')
