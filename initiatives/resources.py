"""Case studies in and out of spreadsheets: the columns (publishing/spreadsheets.py has the
rules every import keeps).

Countries take one column per role ("provider countries", "beneficiary countries", "facilitator
countries") and organisations one per role ("implementing organisations", "supporting
organisations"), each cell a list separated by semicolons: "Kenya; Brazil".
"""

from django.utils.translation import gettext_lazy as _

from publishing.spreadsheets import (
    ChoiceColumn,
    Column,
    DecimalColumn,
    PublishableResource,
    RelationColumn,
    RoleColumn,
    YearColumn,
)
from taxonomy.lookups import (
    CountryLookup,
    Lookup,
    OrganisationLookup,
    RegionLookup,
    SDGLookup,
    SDGTargetLookup,
    SourceLookup,
    ThemeLookup,
    TitleLookup,
)

from .models import (
    CooperationForm,
    CountryRole,
    Initiative,
    Modality,
    OrganisationRole,
    ProjectStatus,
)


class CooperationFormLookup(Lookup):
    noun = _("form of cooperation")

    def get_queryset(self):
        return CooperationForm.objects.all()

    def keys(self, record):
        return [record.name, record.slug]

    def label(self, record):
        return record.name


class InitiativeLookup(TitleLookup):
    """Case studies by title or slug, for the columns of events and publications."""

    noun = _("case study")

    def get_queryset(self):
        return Initiative.objects.only("title", "slug")


class InitiativeResource(PublishableResource):
    modality = ChoiceColumn("modality", "modality", Modality.choices)
    provider_countries = RoleColumn(
        "provider_countries",
        "provider countries",
        CountryLookup(),
        through="country_roles",
        target="country",
        role=CountryRole.PROVIDER,
    )
    beneficiary_countries = RoleColumn(
        "beneficiary_countries",
        "beneficiary countries",
        CountryLookup(),
        through="country_roles",
        target="country",
        role=CountryRole.BENEFICIARY,
    )
    facilitator_countries = RoleColumn(
        "facilitator_countries",
        "facilitator countries",
        CountryLookup(),
        through="country_roles",
        target="country",
        role=CountryRole.FACILITATOR,
    )
    regions = RelationColumn("regions", "regions", RegionLookup())
    themes = RelationColumn("themes", "themes", ThemeLookup())
    sdgs = RelationColumn("sdgs", "sdgs", SDGLookup())
    # A target's goal is added to the goals (Initiative.links_saved).
    targets = RelationColumn("targets", "sdg targets", SDGTargetLookup())
    cooperation_forms = RelationColumn(
        "cooperation_forms", "forms of cooperation", CooperationFormLookup()
    )
    implementing_organisations = RoleColumn(
        "implementing_organisations",
        "implementing organisations",
        OrganisationLookup(),
        through="organisation_roles",
        target="organisation",
        role=OrganisationRole.IMPLEMENTING,
    )
    supporting_organisations = RoleColumn(
        "supporting_organisations",
        "supporting organisations",
        OrganisationLookup(),
        through="organisation_roles",
        target="organisation",
        role=OrganisationRole.SUPPORTING,
    )
    challenge = Column("challenge", "challenge")
    solution = Column("solution", "towards a solution")
    results = Column("results", "results")
    replication = Column("replication", "potential for replication")
    project_status = ChoiceColumn("project_status", "project status", ProjectStatus.choices)
    start_year = YearColumn("start_year", "start year")
    end_year = YearColumn("end_year", "end year")
    budget_amount = DecimalColumn("budget_amount", "budget")
    budget_currency = Column("budget_currency", "currency")
    contact_name = Column("contact_name", "contact")
    contact_email = Column("contact_email", "contact e-mail")
    sources = RelationColumn("sources", "sources", SourceLookup(), required=True)
    source_note = Column("source_note", "note on the sources")

    class Meta(PublishableResource.Meta):
        model = Initiative
        name = _("Case studies")
        fields = [
            "slug",
            "title",
            "summary",
            "modality",
            "provider_countries",
            "beneficiary_countries",
            "facilitator_countries",
            "regions",
            "themes",
            "sdgs",
            "targets",
            "cooperation_forms",
            "implementing_organisations",
            "supporting_organisations",
            "challenge",
            "solution",
            "results",
            "replication",
            "project_status",
            "start_year",
            "end_year",
            "budget_amount",
            "budget_currency",
            "contact_name",
            "contact_email",
            "sources",
            "source_note",
        ]
        import_order = export_order = fields

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        if "targets" in self.relations:
            # The preview shows the goals as saved, with those the targets implied.
            instance._spreadsheet_relations["sdgs"] = list(instance.sdgs.all())

    def row_checks(self, instance):
        errors = {}
        if instance.start_year and instance.end_year and instance.end_year < instance.start_year:
            errors["end_year"] = _("end year %(end)s is before start year %(start)s") % {
                "end": instance.end_year,
                "start": instance.start_year,
            }
        return errors
