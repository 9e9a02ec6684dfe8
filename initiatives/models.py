"""Case studies of South-South and triangular cooperation, after the fields of the UN Office for
South-South Cooperation's good-practice template."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import connections, models
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, Value, When
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.content_language import translated
from core.fields import KeysField
from publishing.models import (
    YEAR_VALIDATORS,
    Illustrated,
    Publishable,
    PublishableManager,
    PublishedQuerySet,
)
from taxonomy.models import (
    SDG,
    Country,
    Organisation,
    Region,
    SDGTarget,
    SlugManager,
    Source,
    Theme,
)


class Modality(models.TextChoices):
    BILATERAL = "bilateral", _("Bilateral")
    TRIANGULAR = "triangular", _("Triangular")
    REGIONAL = "regional", _("Regional")
    INTERREGIONAL = "interregional", _("Interregional")
    MULTILATERAL = "multilateral", _("Multilateral")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")


@translated("name")
class CooperationForm(models.Model):
    """A form South-South cooperation takes: knowledge sharing, training, experts, ..."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    objects = SlugManager()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("form of cooperation")
        verbose_name_plural = _("forms of cooperation")

    def __str__(self):
        return self.texts.name

    def natural_key(self):
        return (self.slug,)


class InitiativeQuerySet(PublishedQuerySet):
    def in_region(self, region):
        """Case studies with a country, or a named region, anywhere inside `region`: Africa
        finds Western Africa's."""
        # Uncorrelated IN subqueries: PostgreSQL hashes each once, where an OR of correlated
        # EXISTS would run both for every case study (seconds at 100,000 case studies).
        within = Region.objects.within(region)
        countries = InitiativeCountry.objects.filter(country__region__in=within).values(
            "initiative_id"
        )
        regions = Initiative.regions.through.objects.filter(region__in=within).values(
            "initiative_id"
        )
        return self.filter(Q(pk__in=countries) | Q(pk__in=regions))

    def replicated_elsewhere(self):
        """Case studies replicated or adapted in at least one public case study."""
        return self.filter(
            Exists(
                Replication.objects.filter(
                    origin=OuterRef("pk"), derived__in=Initiative.objects.published()
                )
            )
        )

    def with_places(self):
        """With what every card shows of where a case study is: its countries in their roles
        and the regions it names (two queries for the whole list)."""
        return self.prefetch_related(*card_places())


class InitiativeManager(PublishableManager.from_queryset(InitiativeQuerySet)):
    pass


@translated("title", "summary", "challenge", "solution", "results", "replication")
class Initiative(Illustrated, Publishable):
    challenge = models.TextField(_("challenge"), blank=True)
    solution = models.TextField(_("towards a solution"), blank=True)
    results = models.TextField(_("results"), blank=True)
    replication = models.TextField(_("potential for replication"), blank=True)
    modality = models.CharField(_("modality"), max_length=15, choices=Modality.choices)
    countries = models.ManyToManyField(
        Country,
        through="InitiativeCountry",
        verbose_name=_("countries"),
        related_name="initiatives",
    )
    regions = models.ManyToManyField(
        Region,
        verbose_name=_("regions"),
        blank=True,
        related_name="initiatives",
        help_text=_(
            "Only where the source names a region instead of countries, "
            "e.g. “West Africa” or “the Caribbean”."
        ),
    )
    organisations = models.ManyToManyField(
        Organisation,
        through="InitiativeOrganisation",
        verbose_name=_("organisations"),
        related_name="initiatives",
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="initiatives"
    )
    sdgs = models.ManyToManyField(
        SDG, verbose_name=_("Sustainable Development Goals"), blank=True, related_name="initiatives"
    )
    # A target implies its goal: add_target_goals() adds the goals of the targets to `sdgs`.
    targets = models.ManyToManyField(
        SDGTarget,
        verbose_name=_("SDG targets"),
        blank=True,
        related_name="initiatives",
        help_text=_(
            "Only the targets the case study's texts clearly support. Each target's goal is "
            "added to the goals when the case study is saved."
        ),
    )
    cooperation_forms = models.ManyToManyField(
        CooperationForm,
        verbose_name=_("forms of cooperation"),
        blank=True,
        related_name="initiatives",
    )
    project_status = models.CharField(
        _("project status"), max_length=10, choices=ProjectStatus.choices, blank=True
    )
    start_year = models.PositiveSmallIntegerField(
        _("start year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("Leave empty while the project is ongoing or when the sources do not say."),
    )
    budget_amount = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    budget_currency = models.CharField(
        _("currency"), max_length=3, blank=True, help_text=_("ISO 4217 code, e.g. USD.")
    )
    contact_name = models.CharField(_("contact"), max_length=255, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Show on the home page.")
    )
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), related_name="initiatives")
    source_note = models.TextField(
        _("note on the sources"),
        blank=True,
        help_text=_("Where the sources disagree, say how and what this record follows."),
    )
    # The search index (see search.py): kept up to date by the application, never edited.
    search_text = models.TextField(editable=False, blank=True, default="")
    search_vector = SearchVectorField(null=True, editable=False)
    # What the list's filters select a case study by ("region:002", "beneficiary:KE", "sdg:3";
    # search.py, build_filter_keys): kept with the search index, read on PostgreSQL only.
    filter_keys = KeysField()

    objects = InitiativeManager()

    class Meta:
        ordering = ["-published_at", "title"]
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")
        permissions = [
            ("publish_initiative", _("Can publish, unpublish and schedule case studies"))
        ]
        indexes = [
            models.Index(fields=["status", "published_at"], name="initiative_pub_idx"),
            # The list's orders, from the index alone however far the page (the table itself is
            # wide: texts, search vector): newest first (the default, and the published ids
            # for the filters' semi-joins), by title, by the project's start. The first also
            # holds the project's years and status, which the year filters read there, not in
            # the table: "active until 2010" matches only the oldest case studies, which the
            # newest-first order reaches last (at 100,000 on PostgreSQL, 52,000 rows passed
            # over: 113 ms through the table, 21 ms in the index alone).
            models.Index(
                fields=[
                    "status",
                    "-published_at",
                    "title",
                    "id",
                    "start_year",
                    "end_year",
                    "project_status",
                ],
                name="initiative_pub_order_idx",
            ),
            models.Index(
                fields=["status", "title", "published_at", "id"], name="initiative_title_order_idx"
            ),
            # On PostgreSQL only (migration 0012): SQLite has no NULLS LAST in an index.
            models.Index(
                F("status"),
                F("start_year").desc(nulls_last=True),
                F("published_at").desc(),
                F("id"),
                name="initiative_start_order_idx",
            ),
            # The home page's featured case studies, newest first, without reading the rest.
            models.Index(
                fields=["-published_at"],
                condition=Q(featured=True),
                name="initiative_featured_idx",
            ),
            # Created on PostgreSQL only (migration 0002): SQLite searches without it.
            GinIndex(fields=["search_vector"], name="initiative_search_idx"),
            # The filters' keys, on PostgreSQL only (migration 0009): a filter, or several, is
            # one lookup here (initiatives/filters.py).
            GinIndex(fields=["filter_keys"], name="initiative_filter_keys_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="initiative_end_year_after_start",
            ),
            models.CheckConstraint(
                condition=Q(budget_amount__isnull=True) | Q(budget_amount__gte=0),
                name="initiative_budget_not_negative",
            ),
        ]

    def get_absolute_url(self):
        return reverse("initiatives:detail", kwargs={"slug": self.slug})

    def links_saved(self):
        # A target implies its goal.
        self.add_target_goals()

    def add_target_goals(self):
        """Add to the case study's goals those of its targets (8.2 adds goal 8)."""
        goals = set(self.targets.values_list("goal_id", flat=True))
        if goals:
            self.sdgs.add(*goals)

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = self.image_errors()
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = _("The end year cannot be before the start year.")
        if self.budget_amount is not None and not self.budget_currency:
            errors["budget_currency"] = _("Give the currency of the budget.")
        if errors:
            raise ValidationError(errors)


class CountryRole(models.TextChoices):
    PROVIDER = "provider", _("Provider")
    BENEFICIARY = "beneficiary", _("Beneficiary")
    FACILITATOR = "facilitator", _("Facilitator")


def related_case_studies():
    """The prefetch of the published case studies a record links to (`initiatives`), with what
    its page shows of them."""
    return Prefetch(
        "initiatives", queryset=Initiative.objects.published().only("title", "slug", "summary")
    )


def card_places():
    """The prefetches of `InitiativeQuerySet.with_places()`, for prefetch_related_objects():
    countries with their roles, providers first, then beneficiaries, then facilitators (the
    order a case study is told in), and the named regions."""
    countries = InitiativeCountry.objects.select_related("country").order_by(
        role_order(), "country__name"
    )
    return (Prefetch("country_roles", queryset=countries), "regions")


def role_order():
    """Providers first, then beneficiaries, then facilitators: the order a case study is told
    in."""
    return Case(
        *(When(role=role, then=Value(index)) for index, role in enumerate(CountryRole.values)),
        default=Value(len(CountryRole.values)),
    )


class InitiativeCountryManager(models.Manager):
    def get_by_natural_key(self, initiative_slug, iso2, role):
        return self.get(initiative__slug=initiative_slug, country__iso2=iso2, role=role)


class InitiativeCountry(models.Model):
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="country_roles"
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=12, choices=CountryRole.choices)

    objects = InitiativeCountryManager()

    class Meta:
        ordering = ["role", "country__name"]
        verbose_name = _("country and role")
        verbose_name_plural = _("countries and roles")
        # Country and region filters read (country -> case study) pairs from the index alone.
        indexes = [models.Index(fields=["country", "initiative"], name="initiative_country_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "country", "role"], name="initiative_country_role_unique"
            )
        ]

    def __str__(self):
        return f"{self.country} ({self.get_role_display()})"

    def natural_key(self):
        return (self.initiative.slug, self.country.iso2, self.role)

    natural_key.dependencies = ["initiatives.initiative", "taxonomy.country"]


class OrganisationRole(models.TextChoices):
    IMPLEMENTING = "implementing", _("Implementing")
    SUPPORTING = "supporting", _("Supporting")


class InitiativeOrganisationManager(models.Manager):
    def get_by_natural_key(self, initiative_slug, organisation_slug, role):
        return self.get(
            initiative__slug=initiative_slug, organisation__slug=organisation_slug, role=role
        )


class InitiativeOrganisation(models.Model):
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="organisation_roles"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=12, choices=OrganisationRole.choices)

    objects = InitiativeOrganisationManager()

    class Meta:
        ordering = ["role", "organisation__name"]
        verbose_name = _("organisation and role")
        verbose_name_plural = _("organisations and roles")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "organisation", "role"],
                name="initiative_organisation_role_unique",
            )
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"

    def natural_key(self):
        return (self.initiative.slug, self.organisation.slug, self.role)

    natural_key.dependencies = ["initiatives.initiative", "taxonomy.organisation"]


class ReplicationKind(models.TextChoices):
    REPLICATED = "replicated", _("Replicated")
    ADAPTED = "adapted", _("Adapted")


# How a link reads from each of its ends: the original's page says where it was replicated, the
# replication's page what it replicates.
ORIGIN_SIDE = {
    ReplicationKind.REPLICATED: _("Replicated in"),
    ReplicationKind.ADAPTED: _("Adapted in"),
}
DERIVED_SIDE = {
    ReplicationKind.REPLICATED: _("Replicates"),
    ReplicationKind.ADAPTED: _("Adapted from"),
}
# How far the lineage on a case study's page reaches, up and down.
LINEAGE_DEPTH = 3
# A walk for cycles follows at most this many steps (the links hold no cycle, so it stops
# sooner; the bound keeps a walk finite whatever the table holds).
WALK_LIMIT = 100


class ReplicationQuerySet(models.QuerySet):
    def published(self):
        """Links whose two case studies are both public: only these are shown anywhere."""
        public = Initiative.objects.published()
        return self.filter(origin__in=public, derived__in=public)

    def lineage(self, initiative, depth=LINEAGE_DEPTH):
        """The public links of `initiative`'s lineage: those met walking up from it through what
        it replicates, and down through where it was replicated, at most `depth` links away,
        never through a case study that is not public. One query, whatever the lineage holds
        (a recursive common table expression, on SQLite and PostgreSQL alike)."""
        up = self._walk_sql([initiative.pk], upward=True, depth=depth, public=True)
        down = self._walk_sql([initiative.pk], upward=False, depth=depth, public=True)
        return self.filter(Q(pk__in=RawSQL(*up)) | Q(pk__in=RawSQL(*down)))  # noqa: S611

    def walk(self, starts, *, upward, avoid=None):
        """The links met walking from the case studies `starts` up (to what they replicate) or
        down (to where they were replicated), as far as the links go, public or not, leaving
        out every link of the case study `avoid`."""
        if not starts:
            return self.none()
        sql, params = self._walk_sql(starts, upward=upward, depth=WALK_LIMIT, avoid=avoid)
        return self.filter(pk__in=RawSQL(sql, params))  # noqa: S611

    def _walk_sql(self, starts, *, upward, depth, public=False, avoid=None):
        """SQL and parameters of the ids of the links a walk meets (see lineage() and walk()).
        Every value is a parameter; the text holds only quoted table names and fixed words."""
        quote = connections[self.db].ops.quote_name
        table, initiatives = quote(self.model._meta.db_table), quote(Initiative._meta.db_table)
        near, far = ("derived_id", "origin_id") if upward else ("origin_id", "derived_id")
        conditions, condition_params = ["walk.steps < %s"], [depth]
        if public:
            # The one rule of what is public, as SQL: published() itself, not a copy of it.
            public_sql, public_params = (
                Initiative.objects.published()
                .order_by()
                .values("pk")
                .query.get_compiler(using=self.db)
                .as_sql()
            )
            conditions.append(f"link.{far} IN ({public_sql})")
            condition_params += list(public_params)
        if avoid is not None:
            conditions.append("link.origin_id <> %s AND link.derived_id <> %s")
            condition_params += [avoid, avoid]
        where = " AND ".join(conditions)
        placeholders = ", ".join(["%s"] * len(starts))
        sql = (
            f"WITH RECURSIVE walk(node, steps) AS ("  # noqa: S608
            f"SELECT id, 0 FROM {initiatives} WHERE id IN ({placeholders}) "
            f"UNION "
            f"SELECT link.{far}, walk.steps + 1 FROM {table} link "
            f"JOIN walk ON link.{near} = walk.node WHERE {where}"
            f") "
            f"SELECT link.id FROM {table} link JOIN walk ON link.{near} = walk.node WHERE {where}"
        )
        return sql, [*starts, *condition_params, *condition_params]


@translated("note")
class Replication(models.Model):
    """One case study replicated, or adapted, in another: the original (`origin`) and the one
    that took it up (`derived`)."""

    origin = models.ForeignKey(
        Initiative,
        verbose_name=_("original case study"),
        on_delete=models.CASCADE,
        related_name="replicated_in",
    )
    derived = models.ForeignKey(
        Initiative,
        verbose_name=_("replication or adaptation"),
        on_delete=models.CASCADE,
        related_name="replicates",
    )
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=ReplicationKind.choices,
        default=ReplicationKind.REPLICATED,
        help_text=_("Replicated: taken up as it was. Adapted: changed to fit another place."),
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("where"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The country where it was replicated or adapted, if the sources say."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ReplicationQuerySet.as_manager()

    class Meta:
        ordering = ["year", "pk"]
        verbose_name = _("replication")
        verbose_name_plural = _("replications")
        constraints = [
            models.UniqueConstraint(fields=["origin", "derived"], name="replication_unique"),
            models.CheckConstraint(
                condition=~Q(origin=models.F("derived")), name="replication_not_of_itself"
            ),
        ]

    def __str__(self):
        return f"{self.origin} → {self.derived} ({self.get_kind_display()})"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.origin_id is not None and self.origin_id == self.derived_id:
            raise ValidationError(_("A case study cannot replicate itself."))

    def origin_side_label(self):
        return ORIGIN_SIDE[self.kind]

    def derived_side_label(self):
        return DERIVED_SIDE[self.kind]
