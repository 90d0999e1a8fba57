"""create customers"""
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE TABLE customers (id INT PRIMARY KEY, name TEXT NOT NULL)")
    op.execute("INSERT INTO customers VALUES (1, 'Ann; with a semicolon')")


def downgrade():
    op.execute("DROP TABLE customers")
