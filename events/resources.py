"""Events in and out of spreadsheets: the columns (publishing/spreadsheets.py has the rules
every import keeps). Start and end are written in the event's own time zone, the "time zone"
column ("2024-09-12 09:00" with "America/New_York"); a date alone is the start or the end of
that day. Registration settings are left to the event's form."""

from django.utils.translation import gettext_lazy as _

from initiatives.resources import InitiativeLookup
from publishing.spreadsheets import (
    ChoiceColumn,
    Column,
    ForeignColumn,
    LocalDateTimeColumn,
    PublishableResource,
    RelationColumn,
)
from taxonomy.lookups import (
    CountryLookup,
    OrganisationLookup,
    SDGLookup,
    SourceLookup,
    ThemeLookup,
    TitleLookup,
)

from .models import DatePrecision, Event, EventFormat, EventKind

DEFAULT_ZONE = Event._meta.get_field("time_zone").default


class EventLookup(TitleLookup):
    noun = _("event")

    def get_queryset(self):
        return Event.objects.only("title", "slug")


class EventResource(PublishableResource):
    kind = ChoiceColumn("kind", "kind", EventKind.choices)
    parent = ForeignColumn("parent", "main event", EventLookup())
    starts_at = LocalDateTimeColumn(
        "starts_at", "starts", zone_column="time zone", default_zone=DEFAULT_ZONE, required=True
    )
    ends_at = LocalDateTimeColumn(
        "ends_at",
        "ends",
        zone_column="time zone",
        default_zone=DEFAULT_ZONE,
        end=True,
        required=True,
    )
    time_zone = Column("time_zone", "time zone")
    date_precision = ChoiceColumn(
        "date_precision", "how exact the dates are", DatePrecision.choices
    )
    format = ChoiceColumn("format", "format", EventFormat.choices)
    venue = Column("venue", "venue")
    city = Column("city", "city")
    country = ForeignColumn("country", "country", CountryLookup())
    online_url = Column("online_url", "online link")
    recording_url = Column("recording_url", "recording")
    description = Column("description", "description")
    organisers = RelationColumn("organisers", "organisers", OrganisationLookup())
    initiatives = RelationColumn("initiatives", "related case studies", InitiativeLookup())
    themes = RelationColumn("themes", "themes", ThemeLookup())
    sdgs = RelationColumn("sdgs", "sdgs", SDGLookup())
    sources = RelationColumn("sources", "sources", SourceLookup(), required=True)
    source_note = Column("source_note", "note on the sources")

    class Meta(PublishableResource.Meta):
        model = Event
        name = _("Events")
        fields = [
            "slug",
            "title",
            "summary",
            "kind",
            "parent",
            "starts_at",
            "ends_at",
            "time_zone",
            "date_precision",
            "format",
            "venue",
            "city",
            "country",
            "online_url",
            "recording_url",
            "description",
            "organisers",
            "initiatives",
            "themes",
            "sdgs",
            "sources",
            "source_note",
        ]
        import_order = export_order = fields

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # An empty cell keeps the model's defaults rather than an empty choice.
        for attribute in ("time_zone", "date_precision", "format"):
            if not getattr(instance, attribute):
                setattr(instance, attribute, Event._meta.get_field(attribute).default)
