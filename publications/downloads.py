"""Publications as CSV, XLSX and JSON files (publishing/downloads.py): the list at /publications/
with its filters, every page at once."""

from django.db.models import Prefetch
from django.urls import reverse

from core.content_language import with_translations
from publishing.downloads import ListDownloadView
from taxonomy.models import SDG, Theme

from .models import Publication
from .views import CARD_FIELDS, ORGANISATIONS, PublicationListView


class PublicationDownloadView(ListDownloadView):
    list_view = PublicationListView
    subject = "publications"
    columns = (
        "kind",
        "document_symbol",
        "year",
        "issued_on",
        "document_language",
        "publishers",
        "authors",
        "themes",
        "sdgs",
        "document_url",
        "external_url",
    )

    def for_download(self, records):
        return records.only(
            *with_translations(Publication, *CARD_FIELDS, "external_url")
        ).prefetch_related(
            Prefetch("publishers", queryset=ORGANISATIONS),
            Prefetch("authors", queryset=ORGANISATIONS),
            Prefetch("themes", queryset=Theme.objects.only(*with_translations(Theme, "name"))),
            Prefetch("sdgs", queryset=SDG.objects.only("number")),
        )

    def values(self, publication):
        return {
            "kind": publication.kind,
            "document_symbol": publication.document_symbol or None,
            "year": publication.year,
            "issued_on": publication.issued_on.isoformat() if publication.issued_on else None,
            # The language the document itself is written in (a code: en, fr, zh, pt, ...).
            "document_language": publication.language,
            "publishers": [str(organisation) for organisation in publication.publishers.all()],
            "authors": [str(organisation) for organisation in publication.authors.all()],
            "themes": [str(theme) for theme in publication.themes.all()],
            "sdgs": [goal.number for goal in publication.sdgs.all()],
            # The PDF the portal shares, from its download address (publications.views.download).
            "document_url": self.absolute(
                reverse("publications:download", kwargs={"slug": publication.slug})
            )
            if publication.document
            else None,
            "external_url": publication.external_url or None,
        }
