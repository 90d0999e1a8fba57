"""Alembic environment: the URL from SAMOKODER_DB_URL, the password from SAMOKODER_DB_PASSWORD."""
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

url = make_url(os.environ["SAMOKODER_DB_URL"])
if os.environ.get("SAMOKODER_DB_PASSWORD"):
    url = url.set(password=os.environ["SAMOKODER_DB_PASSWORD"])

engine = create_engine(url)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
