"""The local cache in SQLite (or PostgreSQL): SQLAlchemy lives here and nowhere else."""
