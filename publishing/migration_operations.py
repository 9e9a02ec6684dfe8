"""Migration operations for what only PostgreSQL has: kept in core/migration_operations.py, where
the reference data's migrations (taxonomy) reach them too; named here for the migrations that
already import them from here."""

from core.migration_operations import AddIndexOnPostgreSQL

__all__ = ["AddIndexOnPostgreSQL"]
