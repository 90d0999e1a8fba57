"""files.checksum; temporary files dropped (their rows are lost: only the dump brings them back)"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TABLE files ADD COLUMN checksum TEXT")
    op.execute("UPDATE files SET checksum = md5(path)")
    op.execute("DELETE FROM files WHERE path LIKE '%.tmp'")


def downgrade():
    op.execute("ALTER TABLE files DROP COLUMN checksum")
