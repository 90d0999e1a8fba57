"""projects.slug"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TABLE projects ADD COLUMN slug TEXT")
    op.execute("UPDATE projects SET slug = name")


def downgrade():
    op.execute("ALTER TABLE projects DROP COLUMN slug")
