"""users, projects, files"""
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE TABLE users (id INT PRIMARY KEY, email TEXT NOT NULL)")
    op.execute("CREATE TABLE projects (id INT PRIMARY KEY, user_id INT NOT NULL REFERENCES users(id), name TEXT)")
    op.execute("CREATE TABLE files (id INT PRIMARY KEY, project_id INT NOT NULL REFERENCES projects(id), path TEXT)")
    op.execute("INSERT INTO users VALUES (1, 'ann@samokoder.dev'), (2, 'boris@samokoder.dev'), (3, 'vera@samokoder.dev')")
    op.execute("INSERT INTO projects VALUES (10, 1, 'todo'), (11, 2, 'shop')")
    op.execute("INSERT INTO files VALUES (100, 10, 'main.py'), (101, 10, 'cache.tmp'), (102, 11, 'app.py'),"
               " (103, 11, 'build.tmp')")


def downgrade():
    op.execute("DROP TABLE files")
    op.execute("DROP TABLE projects")
    op.execute("DROP TABLE users")
