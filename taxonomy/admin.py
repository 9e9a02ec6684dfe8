from django.contrib import admin
from django.db import models

from core.translation_admin import TranslatedTextsAdmin

from .models import SDG, Country, Organisation, Region, SDGTarget, Source, Theme


@admin.register(Region)
class RegionAdmin(TranslatedTextsAdmin, admin.ModelAdmin):
    list_display = ["name", "m49_code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "m49_code"]
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


@admin.register(Country)
class CountryAdmin(TranslatedTextsAdmin, admin.ModelAdmin):
    list_display = ["name", "iso2", "iso3", "m49_code", "region", "is_ldc", "is_lldc", "is_sids"]
    list_filter = ["is_ldc", "is_lldc", "is_sids", ("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "iso2", "iso3", "m49_code"]
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ["region"]
    autocomplete_fields = ["region"]


@admin.register(SDG)
class SDGAdmin(TranslatedTextsAdmin, admin.ModelAdmin):
    list_display = ["number", "short_name", "colour"]
    search_fields = ["short_name", "title"]


@admin.register(SDGTarget)
class SDGTargetAdmin(TranslatedTextsAdmin, admin.ModelAdmin):
    list_display = ["code", "goal", "text"]
    list_filter = ["goal"]
    # The code exactly, so that 8.2 finds 8.2 and not 18.2 as well.
    search_fields = ["=code", "text"]
    list_select_related = ["goal"]


@admin.register(Theme)
class ThemeAdmin(TranslatedTextsAdmin, admin.ModelAdmin):
    list_display = ["name", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ("name",)}


# Editors paste addresses without a scheme; read them as https://, as browsers do.
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Organisation)
class OrganisationAdmin(TranslatedTextsAdmin, admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_display = ["name", "acronym", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ["country"]
    autocomplete_fields = ["country"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_display = ["title", "publisher", "year", "published_on", "accessed_on"]
    list_filter = ["year"]
    search_fields = ["title", "publisher", "note"]
    prepopulated_fields = {"slug": ("title",)}
    # In the order a reference reads: what, by whom, when, where and when it was last seen there.
    fields = ["title", "slug", "publisher", "year", "published_on", "url", "accessed_on", "note"]
