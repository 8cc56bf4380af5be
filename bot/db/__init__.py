"""Database access: SQLAlchemy 2 engine, declarative base and Alembic migrations."""
