"""Case studies as CSV, XLSX and JSON files (publishing/downloads.py): the list at /initiatives/
with its filters, every page at once."""

from django.db.models import Prefetch

from core.content_language import with_translations
from publishing.downloads import ListDownloadView
from taxonomy.models import SDG, Region, SDGTarget, Theme

from .models import (
    CooperationForm,
    CountryRole,
    Initiative,
    InitiativeCountry,
    InitiativeOrganisation,
    OrganisationRole,
    Replication,
    role_order,
)
from .views import InitiativeListView


class InitiativeDownloadView(ListDownloadView):
    list_view = InitiativeListView
    subject = "case-studies"
    columns = (
        "modality",
        "provider_countries",
        "beneficiary_countries",
        "facilitator_countries",
        "regions",
        "sdgs",
        "sdg_targets",
        "themes",
        "cooperation_forms",
        "implementing_organisations",
        "supporting_organisations",
        "project_status",
        "start_year",
        "end_year",
        "budget_amount",
        "budget_currency",
        "replicated_in",
    )

    def for_download(self, records):
        # The long texts (challenge, solution, ...) stay on the case study's page, at its url.
        return records.only(
            *with_translations(
                Initiative,
                "title",
                "slug",
                "summary",
                "modality",
                "project_status",
                "start_year",
                "end_year",
                "budget_amount",
                "budget_currency",
                "published_at",
            )
        ).prefetch_related(
            Prefetch(
                "country_roles",
                queryset=InitiativeCountry.objects.select_related("country")
                .only("initiative_id", "role", "country__iso2")
                .order_by(role_order(), "country__name"),
            ),
            Prefetch("regions", queryset=Region.objects.only("m49_code")),
            Prefetch(
                "organisation_roles",
                queryset=InitiativeOrganisation.objects.select_related("organisation")
                .only(
                    "initiative_id",
                    "role",
                    *with_translations(
                        InitiativeOrganisation, "organisation__name", "organisation__acronym"
                    ),
                )
                .order_by("role", "organisation__name"),
            ),
            Prefetch("themes", queryset=Theme.objects.only(*with_translations(Theme, "name"))),
            Prefetch("sdgs", queryset=SDG.objects.only("number")),
            Prefetch("targets", queryset=SDGTarget.objects.only("code")),
            Prefetch(
                "cooperation_forms",
                queryset=CooperationForm.objects.only(*with_translations(CooperationForm, "name")),
            ),
            Prefetch(
                "replicated_in",
                queryset=Replication.objects.published()
                .select_related("derived")
                .only("origin_id", "derived__slug"),
                to_attr="public_replicated_in",
            ),
        )

    def values(self, initiative):
        countries = {role: [] for role in CountryRole.values}
        for link in initiative.country_roles.all():
            countries[link.role].append(link.country.iso2)
        organisations = {role: [] for role in OrganisationRole.values}
        for link in initiative.organisation_roles.all():
            organisations[link.role].append(str(link.organisation))
        return {
            "modality": initiative.modality,
            "provider_countries": countries[CountryRole.PROVIDER],
            "beneficiary_countries": countries[CountryRole.BENEFICIARY],
            "facilitator_countries": countries[CountryRole.FACILITATOR],
            "regions": [region.m49_code for region in initiative.regions.all()],
            "sdgs": [goal.number for goal in initiative.sdgs.all()],
            "sdg_targets": [target.code for target in initiative.targets.all()],
            "themes": [str(theme) for theme in initiative.themes.all()],
            "cooperation_forms": [str(form) for form in initiative.cooperation_forms.all()],
            "implementing_organisations": organisations[OrganisationRole.IMPLEMENTING],
            "supporting_organisations": organisations[OrganisationRole.SUPPORTING],
            "project_status": initiative.project_status or None,
            "start_year": initiative.start_year,
            "end_year": initiative.end_year,
            "budget_amount": initiative.budget_amount,
            "budget_currency": initiative.budget_currency or None,
            # The slugs of the published case studies that replicated or adapted it.
            "replicated_in": [link.derived.slug for link in initiative.public_replicated_in],
        }
