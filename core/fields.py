"""Model fields the apps share."""

import json

from django.contrib.postgres.fields import ArrayField
from django.db import models

# Long enough for a role and a country code ("beneficiary:KE") or a region's ("region:419").
KEY_LENGTH = 24


class KeysField(ArrayField):
    """Short strings a record is filtered by, kept on the record itself so that a filter reads
    one column. On PostgreSQL an array of varchar, searched with `keys__contains=[...]` (`@>`)
    through a GIN index; on other databases (SQLite in development) the same list stored as
    JSON text, kept current alike but not filtered on: there is no index to find it by, and the
    filters join the tables the keys were made from instead. Never edited by hand."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("base_field", models.CharField(max_length=KEY_LENGTH))
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        for key in ("base_field", "size"):
            kwargs.pop(key, None)
        for key, value in (("default", list), ("blank", True), ("editable", False)):
            if kwargs.get(key) == value:
                del kwargs[key]
        return name, "core.fields.KeysField", args, kwargs

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return super().db_type(connection)
        return "text"

    def cast_db_type(self, connection):
        if connection.vendor == "postgresql":
            return super().cast_db_type(connection)
        return "text"

    def get_placeholder(self, value, compiler, connection):
        if connection.vendor == "postgresql":
            return super().get_placeholder(value, compiler, connection)
        return "%s"

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor == "postgresql" or value is None or hasattr(value, "as_sql"):
            return super().get_db_prep_value(value, connection, prepared)
        return json.dumps(list(value))

    def from_db_value(self, value, expression, connection):
        if isinstance(value, str):
            return json.loads(value)
        return value
