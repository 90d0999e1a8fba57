"""Alembic environment: the URL and the password from the environment variables alembic.ini names."""
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

url = make_url(os.environ[config.get_main_option("db_url_variable")])
password = os.environ.get(config.get_main_option("db_password_variable"))
if password:
    url = url.set(password=password)

engine = create_engine(url)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
