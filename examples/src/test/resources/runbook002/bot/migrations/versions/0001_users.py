"""the bot's users"""
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE TABLE users (id INT PRIMARY KEY, name TEXT NOT NULL)")
    op.execute("INSERT INTO users VALUES (1, 'Оксана'), (2, 'Taras')")


def downgrade():
    op.execute("DROP TABLE users")
