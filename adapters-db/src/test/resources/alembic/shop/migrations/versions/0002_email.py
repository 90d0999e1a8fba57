"""add email"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TABLE customers ADD COLUMN email TEXT")


def downgrade():
    op.execute("ALTER TABLE customers DROP COLUMN email")
