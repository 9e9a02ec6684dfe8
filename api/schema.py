"""The OpenAPI description of the read API, exact enough for a contract tester to hold it to it.

Each operation's parameters say what values they take, read from the forms the views validate
with: a filter's choices (the FilterSet of the public list, so the countries, regions or
publishers offered are those with something published), a year's bounds, the longest search;
the pages and page sizes that exist; the languages; the fields a record has. And each operation
lists the errors it may answer with: 400 (a value it cannot take, named), 404, 405, 429.
"""

from django import forms
from django.conf import settings
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import serializers

ERRORS = {
    "400": "A parameter has a value it cannot take; the body names each such parameter.",
    "404": "No such record, or no such page of the list.",
    "405": "The API only reads: GET, HEAD and OPTIONS.",
    "429": "Too many requests from this address: wait the seconds `Retry-After` gives.",
}


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(required=False, help_text="What went wrong.")


class ValidationErrorSerializer(serializers.Serializer):
    """{"parameter": ["what is wrong with its value"]}."""

    def to_representation(self, instance):  # pragma: no cover - documentation only
        return instance


def _choices(field):
    """The values a choice field accepts: a group's own name (an <optgroup>) is not one."""
    values = []

    def add(choices):
        for value, label in choices:
            if isinstance(label, list | tuple):
                add(label)
                continue
            value = str(getattr(value, "value", value))
            if value not in values:
                values.append(value)

    add(field.choices)
    return values


def field_schema(field):
    """The JSON schema of what a form field accepts."""
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        # Empty is what the page's "Any" sends: no filter.
        return {"type": "string", "enum": [""] + [v for v in _choices(field) if v != ""]}
    if isinstance(field, forms.NullBooleanField):
        return {"type": "boolean"}
    if isinstance(field, forms.IntegerField):
        schema = {"type": "integer"}
        if field.min_value is not None:
            schema["minimum"] = field.min_value
        if field.max_value is not None:
            schema["maximum"] = field.max_value
        return schema
    if isinstance(field, forms.DecimalField | forms.FloatField):
        return {"type": "number"}
    schema = {"type": "string"}
    if getattr(field, "max_length", None):
        schema["maxLength"] = field.max_length
    return schema


class PortalSchema(AutoSchema):
    def is_list(self):
        return getattr(self.view, "action", None) == "list"

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        view = self.view
        if not hasattr(view, "requested_fields"):
            return parameters
        names = list(view.get_serializer_class()().fields)
        parameters += [
            OpenApiParameter(
                "lang",
                {"type": "string", "enum": [code for code, _name in settings.LANGUAGES]},
                description="The language of the texts (default: from Accept-Language, else "
                "English). A text a record has not been translated into comes in English; "
                "`languages` says which.",
            ),
            OpenApiParameter(
                "fields",
                {"type": "array", "minItems": 1, "items": {"type": "string", "enum": names}},
                style="form",
                explode=False,
                description="Only these fields of each record, separated by commas.",
            ),
        ]
        if not self.is_list():
            if getattr(view, "key_example", None) is not None:
                parameters.append(
                    OpenApiParameter(
                        "key",
                        OpenApiTypes.STR,
                        OpenApiParameter.PATH,
                        description=f"{view.key_description} An unknown key is a 404.",
                        examples=[
                            OpenApiExample("In the starting content", value=view.key_example)
                        ],
                    )
                )
            return parameters
        if getattr(view, "pagination_class", None) is not None:
            parameters += [
                OpenApiParameter(
                    "page",
                    {"type": "integer", "minimum": 1},
                    description="The page of the list (404 beyond the last).",
                ),
                OpenApiParameter(
                    "page_size",
                    {"type": "integer", "minimum": 1, "maximum": settings.API_MAX_PAGE_SIZE},
                    description=f"Records per page (default {settings.API_PAGE_SIZE}).",
                ),
            ]
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is not None:
            form = filterset_class(request=None).form
            for name, field in form.fields.items():
                parameters.append(
                    OpenApiParameter(
                        name,
                        field_schema(field),
                        description=str(field.help_text or field.label or ""),
                    )
                )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if not hasattr(self.view, "requested_fields"):
            return responses
        for code, description in ERRORS.items():
            if code == "404" and self.is_list() and self.view.pagination_class is None:
                continue
            serializer = ValidationErrorSerializer if code == "400" else ErrorSerializer
            response = self._get_response_for_code(serializer, code, direction=direction)
            response["description"] = description
            responses.setdefault(code, response)
        return responses


def optional_properties(result, generator, request, public):
    """No property of a record is required in the description: `fields` may leave any out."""
    for component in result.get("components", {}).get("schemas", {}).values():
        component.pop("required", None)
    return result
