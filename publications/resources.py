"""Publications in and out of spreadsheets: the columns (publishing/spreadsheets.py has the
rules every import keeps). The PDF and the cover are uploaded in the publication's form; without
a file, the row gives the address elsewhere or says why there is none."""

from django.utils.translation import gettext_lazy as _

from events.resources import EventLookup
from initiatives.resources import InitiativeLookup
from publishing.spreadsheets import (
    ChoiceColumn,
    Column,
    DateColumn,
    PublishableResource,
    RelationColumn,
    YearColumn,
)
from taxonomy.lookups import OrganisationLookup, SDGLookup, SourceLookup, ThemeLookup

from .models import Language, Publication, PublicationKind


class PublicationResource(PublishableResource):
    kind = ChoiceColumn("kind", "kind", PublicationKind.choices)
    document_symbol = Column("document_symbol", "document symbol")
    year = YearColumn("year", "year")
    issued_on = DateColumn("issued_on", "date issued")
    language = ChoiceColumn("language", "language", Language.choices)
    publishers = RelationColumn("publishers", "publishers", OrganisationLookup())
    authors = RelationColumn("authors", "authors", OrganisationLookup())
    description = Column("description", "description")
    external_url = Column("external_url", "address elsewhere")
    document_note = Column("document_note", "why there is no file")
    initiatives = RelationColumn("initiatives", "related case studies", InitiativeLookup())
    events = RelationColumn("events", "related events", EventLookup())
    themes = RelationColumn("themes", "themes", ThemeLookup())
    sdgs = RelationColumn("sdgs", "sdgs", SDGLookup())
    sources = RelationColumn("sources", "sources", SourceLookup(), required=True)
    source_note = Column("source_note", "note on the sources")

    class Meta(PublishableResource.Meta):
        model = Publication
        name = _("Publications")
        fields = [
            "slug",
            "title",
            "summary",
            "kind",
            "document_symbol",
            "year",
            "issued_on",
            "language",
            "publishers",
            "authors",
            "description",
            "external_url",
            "document_note",
            "initiatives",
            "events",
            "themes",
            "sdgs",
            "sources",
            "source_note",
        ]
        import_order = export_order = fields

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if not instance.language:
            instance.language = Language.ENGLISH
        if instance.issued_on and not instance.year:
            instance.year = instance.issued_on.year  # the date says the year
