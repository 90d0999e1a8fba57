"""a broken migration: its second statement fails"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE TABLE invoices (id INT PRIMARY KEY)")
    op.execute("ALTER TABLE no_such_table ADD COLUMN x INT")


def downgrade():
    op.execute("DROP TABLE invoices")
