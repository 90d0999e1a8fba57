"""create orders"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT REFERENCES customers (id), note TEXT)")


def downgrade():
    op.execute("DROP TABLE orders")
