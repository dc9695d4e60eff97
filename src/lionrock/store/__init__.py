"""Persistence: SQLAlchemy Core over SQLite (WAL) or PostgreSQL. Store functions never commit."""
