from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events and registrations")

    def ready(self):
        from publishing.content import Content, register
        from taxonomy.models import SDG, Country, Organisation, Region, Source, Theme

        from . import search
        from .models import Event

        # The site search shows an event's dates, in its own zone, and whether it is cancelled.
        dates = ("kind", "starts_at", "ends_at", "time_zone", "date_precision", "is_cancelled")
        register(
            Content(
                Event,
                search,
                ranked_order=("-starts_at", "title"),
                result_fields=dates,
                indexed_fields=search.INDEXED_FIELDS,
                linked=("organisers", "themes"),
                named={Country: ["country"], Organisation: ["organisers"], Theme: ["themes"]},
                shows=(Region, SDG, Source),
                close_names=("country",),
            )
        )
