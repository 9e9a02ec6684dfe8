"""The admin's side of translated texts (core/content_language.py).

A record's change form keeps its English texts where they always were, and adds one collapsed
group per language ("Arabic", "Chinese", ...) with that language's texts, each box marked with
its language and direction, so that Arabic is typed right to left. The list has a filter "by
translation: missing in ..." and its search finds a record by a translated text as well.
"""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from .content_language import language_name, translation_field, translation_languages


def translated_names(model):
    return getattr(model, "translated_fields", ())


def translation_names(model):
    return {
        translation_field(name, language)
        for name in translated_names(model)
        for language in translation_languages()
    }


def missing_translation(model, language):
    """The records of `model` with a text written in English and not in `language`."""
    missing = Q()
    for name in translated_names(model):
        missing |= Q(**{translation_field(name, language): ""}) & ~Q(**{name: ""})
    return missing


class MissingTranslationFilter(admin.SimpleListFilter):
    """ "By translation: missing in French": the records with a text not yet in French."""

    title = _("translation")
    parameter_name = "untranslated"

    def lookups(self, request, model_admin):
        return [
            (language, _("Missing in %(language)s") % {"language": language_name(language)})
            for language in translation_languages()
        ]

    def queryset(self, request, queryset):
        language = self.value()
        if language not in translation_languages():
            return queryset
        return queryset.filter(missing_translation(queryset.model, language))


class TranslatedTextsAdmin:
    """For a ModelAdmin of a model with translated texts (placed before admin.ModelAdmin)."""

    def get_fieldsets(self, request, obj=None):
        hidden = translation_names(self.model)
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [field for field in options.get("fields", ()) if field not in hidden]
            fieldsets.append((name, {**options, "fields": fields}))
        for language in translation_languages():
            fieldsets.append(
                (
                    language_name(language),
                    {
                        "classes": ["collapse", "translation"],
                        "fields": [
                            translation_field(name, language)
                            for name in translated_names(self.model)
                        ],
                    },
                )
            )
        return fieldsets

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        language = getattr(db_field, "text_language", None)
        if formfield is not None and language is not None:
            formfield.widget.attrs.update(
                lang=language, dir="rtl" if get_language_info(language)["bidi"] else "ltr"
            )
        return formfield

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), MissingTranslationFilter]

    def get_search_fields(self, request):
        fields = list(super().get_search_fields(request))
        translated = set(translated_names(self.model))
        for name in list(fields):
            if name in translated:
                fields += [translation_field(name, code) for code in translation_languages()]
        return fields
