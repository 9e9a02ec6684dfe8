from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationsConfig(AppConfig):
    name = "publications"
    verbose_name = _("Publications")

    def ready(self):
        from publishing.content import Content, register
        from taxonomy.models import SDG, Organisation, Source, Theme

        from . import search
        from .models import Publication

        register(
            Content(
                model=Publication,
                code="publication",
                label=_("Publication"),
                plural=_("Publications"),
                search_text=search.build_search_text,
                index_reads=search.index_reads,
                ranked_order=("-year", "title"),
                result_fields=(
                    "title",
                    "slug",
                    "summary",
                    "published_at",
                    "kind",
                    "year",
                    "issued_on",
                ),
                linked=("publishers", "authors", "themes"),
                named={Organisation: ["publishers", "authors"], Theme: ["themes"]},
                shows=(SDG, Source),
            )
        )
