"""users: an index for staff lists (role, display_name, id)

The audit log's filter lists every account that is not a reader, by name; without this index
it read the whole users table, readers included, on every page.

Revision ID: 0007_users_role_name
Revises: 0006_applied_revision
Create Date: 2026-12-01 22:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007_users_role_name'
down_revision = '0006_applied_revision'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_users_role_name', 'users', ['role', 'display_name', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_users_role_name', table_name='users')
