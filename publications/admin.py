from django import forms
from django.conf import settings
from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.admin_labels import LabelledCellsInline, LabelledDateTimesAdmin
from publishing.admin import PublishableAdmin
from publishing.spreadsheet_admin import SpreadsheetAdminMixin
from taxonomy.admin import URL_FIELDS_ASSUME_HTTPS

from .models import Publication, PublicationEdition
from .resources import PublicationResource
from .validators import COVER_FORMATS, cover_format, is_new_upload, validate_pdf_upload


class PublicationAdminForm(forms.ModelForm):
    """Checks the PDF and the cover by their content (validators.py) before anything is stored."""

    class Meta:
        model = Publication
        fields = ["document", "image"]  # the admin adds the others, from its fieldsets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A hint to the browser's file picker; the checks below decide.
        if "document" in self.fields:
            self.fields["document"].widget.attrs["accept"] = ".pdf,application/pdf"
        if "title" in self.fields:  # an Arabic title is typed right to left
            self.fields["title"].widget.attrs["dir"] = "auto"
            self.fields["document"].help_text = _(
                "The document as a PDF of up to %(limit)s, where the portal may share it."
            ) % {"limit": filesizeformat(settings.PORTAL_DOCUMENT_MAX_BYTES)}
        if "image" in self.fields:
            self.fields["image"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"

    def clean_document(self):
        document = self.cleaned_data.get("document")
        validate_pdf_upload(document)
        return document

    def _post_clean(self):
        super()._post_clean()
        # A refused PDF leaves the record without a file, and the model then asks why: that
        # second message only confuses while the first one is being put right.
        if self.has_error("document") and self.has_error("document_note"):
            del self.errors["document_note"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if is_new_upload(image):
            # Only the extension of this name is used (publishing.models.generated_image_name):
            # make it the one of the format the content is in, whatever the upload was called.
            image.name = f"cover.{COVER_FORMATS[cover_format(image)]}"
        return image


class PublicationEditionForm(forms.ModelForm):
    """An edition's PDF is checked by its content, as the publication's is."""

    class Meta:
        model = PublicationEdition
        fields = ["document"]  # the inline adds the others

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].widget.attrs["accept"] = ".pdf,application/pdf"
        if "title" in self.fields:  # an Arabic title is typed right to left
            self.fields["title"].widget.attrs["dir"] = "auto"

    def clean_document(self):
        document = self.cleaned_data.get("document")
        validate_pdf_upload(document)
        return document

    def _post_clean(self):
        super()._post_clean()
        # A refused PDF leaves the edition without a file: asking for one then only confuses.
        if self.has_error("document") and self.has_error("external_url"):
            del self.errors["external_url"]


class PublicationEditionInline(LabelledCellsInline, admin.TabularInline):
    model = PublicationEdition
    form = PublicationEditionForm
    fields = ["language", "title", "document", "external_url"]
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    extra = 1


@admin.register(Publication)
class PublicationAdmin(SpreadsheetAdminMixin, LabelledDateTimesAdmin, PublishableAdmin):
    resource_classes = [PublicationResource]
    form = PublicationAdminForm
    inlines = [PublicationEditionInline]
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_display = ["title", "kind", "document_symbol", "year", "language", "status", "has_file"]
    list_filter = ["status", "kind", "year", "language", "themes", "sdgs"]
    search_fields = ["title", "summary", "document_symbol"]
    autocomplete_fields = ["publishers", "authors", "initiatives", "events", "sources"]
    readonly_fields = [*PublishableAdmin.readonly_fields, "file_size", "image_preview"]
    # As a publication is told: what, who issued it, the document and its file, what it is about
    # and what it relates to, then its cover and sources.
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary"]}),
        (_("Who"), {"fields": ["publishers", "authors"]}),
        (
            _("The document"),
            {"fields": ["document_symbol", ("year", "issued_on"), "language", "description"]},
        ),
        (
            _("File"),
            {
                "description": _(
                    "Without a PDF, give the address where the publisher offers the document, "
                    "or say why there is no file."
                ),
                "fields": ["document", "file_size", "document_note", "external_url"],
            },
        ),
        (_("Topics"), {"fields": ["themes", "sdgs"]}),
        (_("Related case studies and events"), {"fields": ["initiatives", "events"]}),
        (_("Cover"), {"fields": ["image", "image_alt", "image_preview"]}),
        (_("Sources"), {"fields": ["sources", "source_note"]}),
        (_("Publishing"), {"fields": ["status", "published_at"]}),
        (_("Advanced"), {"classes": ["collapse"], "fields": ["created_at", "updated_at"]}),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Short, fixed vocabularies read best as checkboxes.
        if db_field.name in {"sdgs", "themes"}:
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("has a file"), boolean=True)
    def has_file(self, obj):
        return bool(obj.document)

    @admin.display(description=_("file size"))
    def file_size(self, obj):
        return filesizeformat(obj.document_size) if obj.document_size else "—"
