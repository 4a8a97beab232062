"""Storage: SQLAlchemy tables, the database handle with its transactions, and Alembic migrations."""
