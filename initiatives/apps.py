from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("Case studies")

    def ready(self):
        from publishing.content import Content, register
        from taxonomy.models import SDG, Country, Organisation, Region, SDGTarget, Source, Theme

        from . import search
        from .models import (
            CooperationForm,
            Initiative,
            InitiativeCountry,
            InitiativeOrganisation,
            Replication,
        )

        register(
            Content(
                Initiative,
                search,
                ranked_order=("-published_at", "title"),
                parts={InitiativeCountry: "initiative", InitiativeOrganisation: "initiative"},
                linked=("themes", "regions"),
                # The filter keys (search.py): goals, and where countries and regions are.
                keyed_links=("sdgs",),
                keyed={
                    Region: (("path",), ["regions", "country_roles__country__region"]),
                    Country: (
                        ("region", "is_ldc", "is_lldc", "is_sids"),
                        ["country_roles__country"],
                    ),
                    SDG: (("number",), ["sdgs"]),
                },
                named={
                    Country: ["countries"],
                    Organisation: ["organisations"],
                    Region: ["regions"],
                    Theme: ["themes"],
                },
                # A replication saved or deleted changes the pages of both its case studies.
                shows=(SDG, SDGTarget, CooperationForm, Source, Replication),
                close_names=("countries",),
            )
        )
