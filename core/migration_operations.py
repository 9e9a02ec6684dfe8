"""Migration operations for what only PostgreSQL has (GIN indexes for full-text search and for
close matches of titles and names).

The index stays in the migration state on every database, so `makemigrations --check` agrees
with the models; the SQL runs on PostgreSQL only, and SQLite goes without.
"""

from django.db import migrations


class AddIndexOnPostgreSQL(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return super().describe() + " (PostgreSQL only)"
