"""each user's language; names normalised to upper case (not reversible: the dump is)"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'uk'")
    op.execute("UPDATE users SET name = upper(name)")


def downgrade():
    op.execute("ALTER TABLE users DROP COLUMN language")
