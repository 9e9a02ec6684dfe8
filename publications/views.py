import logging
import re

from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from core.content_language import with_translations
from core.undocs import document_language, official_links, page_language_first
from events.models import Event
from initiatives.models import related_case_studies
from publishing.views import CitationView, FilteredListView, PublishedDetailMixin
from taxonomy.models import Organisation

from .filters import PublicationFilter
from .models import Language, Publication, PublicationEdition

logger = logging.getLogger(__name__)

# What a list card and a detail page need of an organisation.
ORGANISATIONS = Organisation.objects.only(
    *with_translations(Organisation, "slug", "name", "acronym", "website")
)
# The fields a list card shows (templates/includes/publication_card.html).
CARD_FIELDS = [
    "title",
    "slug",
    "summary",
    "kind",
    "document_symbol",
    "year",
    "issued_on",
    "language",
    "document",
    "document_size",
    "published_at",
]
DOWNLOAD_NAME = re.compile(r"[^a-z0-9_-]+")


class PublicationListView(FilteredListView):
    model = Publication
    filterset_class = PublicationFilter
    download_url_name = "publications:list_download"

    card_template = "includes/publication_card.html"
    card_name = "publication"

    def for_cards(self, queryset):
        return queryset.prefetch_related(Prefetch("publishers", queryset=ORGANISATIONS)).only(
            *with_translations(Publication, *CARD_FIELDS)
        )


class PublicationDetailView(PublishedDetailMixin, DetailView):
    model = Publication
    citation_url_name = "publications:cite"
    preview_messages = {
        "scheduled": _("This publication is scheduled: it becomes public on %(date)s."),
        "unpublished": _("This publication is not public yet (status: %(status)s)."),
    }

    def get_queryset(self):
        return self.get_base_queryset().prefetch_related(
            Prefetch("publishers", queryset=ORGANISATIONS),
            Prefetch("authors", queryset=ORGANISATIONS),
            related_case_studies(),
            Prefetch(
                "events",
                queryset=Event.objects.published()
                .defer(*with_translations(Publication, "description", "source_note"))
                .order_by("starts_at", "title"),
            ),
            "themes",
            "sdgs",
            "sources",
            Prefetch("editions", queryset=PublicationEdition.objects.order_by("language")),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        publication = self.object
        context["official_links"] = official_links(publication.document_symbol)
        context["editions"] = ordered_editions(publication.editions.all())
        context["page_language"] = document_language()
        return context


def ordered_editions(editions):
    """The editions in the page's language first, then the others in the order of the
    languages' list (the United Nations' order, then Portuguese)."""
    by_language = {edition.language: edition for edition in editions}
    order = [code for code in Language.values if code in by_language]
    return [by_language[code] for code in page_language_first(order)]


class PublicationCitationView(CitationView):
    model = Publication

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .only(
                *with_translations(
                    Publication,
                    "slug",
                    "title",
                    "kind",
                    "document_symbol",
                    "year",
                    "issued_on",
                    "external_url",
                    "status",
                    "published_at",
                )
            )
            .prefetch_related(
                Prefetch("publishers", queryset=ORGANISATIONS),
                Prefetch("authors", queryset=ORGANISATIONS),
            )
        )


def download_name(slug):
    """A file name safe in any Content-Disposition header and file system: lower-case ASCII
    letters, digits, hyphens and underscores only, whatever the slug holds."""
    name = DOWNLOAD_NAME.sub("-", slugify(slug)).strip("-_")[:100].strip("-_")
    return f"{name or 'publication'}.pdf"


def pdf_response(file, filename, what):
    """The stored PDF `file` as an attachment named `filename`; 404 when the file is missing."""
    try:
        document = file.storage.open(file.name, "rb")
    except OSError as error:
        logger.error("The file of %s is missing: %s", what, error)
        raise Http404("The file is missing.") from error
    response = FileResponse(
        document, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def download(request, slug):
    """The PDF of a published publication, as an attachment under a name made from its slug."""
    publication = get_object_or_404(
        Publication.objects.published().only("slug", "document"), slug=slug
    )
    if not publication.document:
        raise Http404("This publication has no file.")
    return pdf_response(
        publication.document, download_name(publication.slug), f"publication {publication.slug}"
    )


@require_safe
def edition_download(request, slug, language):
    """The PDF of a language edition of a published publication, named after its slug and the
    language ("made-in-africa-fr.pdf")."""
    edition = get_object_or_404(
        PublicationEdition.objects.select_related("publication").only(
            "language", "document", "publication__slug"
        ),
        publication__in=Publication.objects.published(),
        language=language,
        publication__slug=slug,
    )
    if not edition.document:
        raise Http404("This edition has no file on the portal.")
    name = download_name(slug).removesuffix(".pdf")
    return pdf_response(
        edition.document, f"{name}-{edition.language}.pdf", f"edition {slug} {edition.language}"
    )
