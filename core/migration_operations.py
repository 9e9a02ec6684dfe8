"""Migration operations for what only PostgreSQL has (GIN indexes for full-text search, for
the filter keys and for the search words' trigrams).

The index stays in the migration state on every database, so `makemigrations --check` agrees
with the models; the SQL runs on PostgreSQL only, and SQLite goes without.
"""

from django.db import migrations


class OnPostgreSQL:
    """Mixed into a migration operation: its SQL runs on PostgreSQL only, its state everywhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return super().describe() + " (PostgreSQL only)"


class AddIndexOnPostgreSQL(OnPostgreSQL, migrations.AddIndex):
    pass


class RemoveIndexOnPostgreSQL(OnPostgreSQL, migrations.RemoveIndex):
    """Removes an index that AddIndexOnPostgreSQL added: SQLite never had it."""


class AddFieldInPlace(migrations.AddField):
    """AddField that, on SQLite, adds the column where it is (ALTER TABLE ADD COLUMN, with its
    default) rather than copying the table into a new one: the copy would create the table's
    indexes again, and SQLite cannot create those that only PostgreSQL has. For a column that
    is neither unique nor a key, whose default SQLite can hold as a constant."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        field = model._meta.get_field(self.name)
        definition, params = schema_editor.column_sql(model, field, include_default=True)
        schema_editor.execute(
            schema_editor.sql_create_column
            % {
                "table": schema_editor.quote_name(model._meta.db_table),
                "column": schema_editor.quote_name(field.column),
                "definition": definition,
            },
            params or None,
        )
