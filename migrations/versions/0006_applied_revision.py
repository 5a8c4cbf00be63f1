"""corrections.applied_revision_id: the version whose text first had an accepted fix

Filled for corrections already applied: the version named by the author's "apply_text" log
entry ("Proposed text applied in version N") when the author applied it from the editor,
otherwise the version that published the correction's update (the moderator replaced the
words when accepting).

Revision ID: 0006_applied_revision
Revises: 0005_rebase_looks_applied_text
Create Date: 2026-12-01 22:10:00.000000

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_applied_revision'
down_revision = '0005_rebase_looks_applied_text'
branch_labels = None
depends_on = None

_VERSION = re.compile(r"version (\d+)")


def upgrade():
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applied_revision_id', sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_corrections_applied_revision_id'), ['applied_revision_id'], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_corrections_applied_revision_id_revisions'),
            'revisions',
            ['applied_revision_id'],
            ['id'],
            ondelete='SET NULL',
        )
    _fill_in()


def _fill_in():
    conn = op.get_bind()
    applied = conn.execute(
        sa.text(
            "SELECT c.id, c.article_id, u.revision_id FROM corrections c "
            "LEFT JOIN updates u ON u.id = c.update_id WHERE c.text_applied"
        )
    ).all()
    for correction_id, article_id, update_revision_id in applied:
        revision_id = update_revision_id
        reason = conn.execute(
            sa.text(
                "SELECT reason FROM moderation_actions WHERE target_type = 'correction' "
                "AND target_id = :id AND action = 'apply_text' ORDER BY id DESC"
            ),
            {"id": correction_id},
        ).scalar()
        found = _VERSION.search(reason or "")
        if found:
            revision_id = conn.execute(
                sa.text("SELECT id FROM revisions WHERE article_id = :a AND number = :n"),
                {"a": article_id, "n": int(found.group(1))},
            ).scalar() or revision_id
        if revision_id is not None:
            conn.execute(
                sa.text("UPDATE corrections SET applied_revision_id = :r WHERE id = :id"),
                {"r": revision_id, "id": correction_id},
            )


def downgrade():
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_corrections_applied_revision_id_revisions'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_corrections_applied_revision_id'))
        batch_op.drop_column('applied_revision_id')
