"""branch a: one of two heads"""
from alembic import op

revision = "0002a"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE TABLE a (id INT)")


def downgrade():
    op.execute("DROP TABLE a")
