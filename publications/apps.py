from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationsConfig(AppConfig):
    name = "publications"
    verbose_name = _("Publications")

    def ready(self):
        from publishing.content import Content, register
        from taxonomy.models import SDG, Organisation, Source, Theme

        from . import search
        from .models import Publication, PublicationEdition

        register(
            Content(
                Publication,
                search,
                ranked_order=("-year", "title"),
                # Its language editions: saved with it, kept in its history.
                parts={PublicationEdition: "publication"},
                result_fields=("kind", "year", "issued_on"),  # what the site search shows
                linked=("publishers", "authors", "themes"),
                named={Organisation: ["publishers", "authors"], Theme: ["themes"]},
                shows=(SDG, Source),
            )
        )
