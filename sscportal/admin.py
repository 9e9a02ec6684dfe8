from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.translation_admin import TranslatedTextsAdmin

from .models import AboutSection, KeyFigure

ADVANCED = (_("Advanced"), {"classes": ["collapse"], "fields": ["slug"]})


class ShownAdmin(TranslatedTextsAdmin, admin.ModelAdmin):
    list_editable = ["sort_order", "is_shown"]
    list_filter = ["is_shown"]
    autocomplete_fields = ["sources"]


@admin.register(KeyFigure)
class KeyFigureAdmin(ShownAdmin):
    list_display = ["value", "statement", "year", "sort_order", "is_shown"]
    list_display_links = ["value", "statement"]
    search_fields = ["value", "statement", "year_note"]
    prepopulated_fields = {"slug": ["value", "statement"]}
    fieldsets = [
        (None, {"fields": ["value", "statement", "year", "year_note", "sources"]}),
        (
            _("On the home page"),
            {
                # KEY_FIGURES_COUNT in views.py: change both together.
                "description": _("The home page shows the first six figures that are shown."),
                "fields": ["sort_order", "is_shown"],
            },
        ),
        ADVANCED,
    ]


@admin.register(AboutSection)
class AboutSectionAdmin(ShownAdmin):
    list_display = ["heading", "sort_order", "is_shown"]
    search_fields = ["heading", "body"]
    prepopulated_fields = {"slug": ["heading"]}
    fieldsets = [
        (None, {"fields": ["heading", "body", "sources"]}),
        (_("On the About page"), {"fields": ["sort_order", "is_shown"]}),
        ADVANCED,
    ]
