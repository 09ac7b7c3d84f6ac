"""Every table of the order database: importing this registers all model modules (Alembic, schema tests)."""

from pipeline.db.models import Base
from pipeline.masterdata import models as _masterdata  # noqa: F401 - registers the tables
from pipeline import users as _users  # noqa: F401 - registers the users table

metadata = Base.metadata
