from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, Value, When
from django.views.generic import DetailView, ListView

from publishing.views import PublishedDetailMixin

from .filters import InitiativeFilter
from .models import CountryRole, Initiative, InitiativeCountry, InitiativeOrganisation

# Providers first, then beneficiaries, then facilitators: the order a case study is told in.
ROLE_ORDER = Case(
    *(When(role=role, then=Value(index)) for index, role in enumerate(CountryRole.values)),
    default=Value(len(CountryRole.values)),
)
COUNTRY_ROLES = Prefetch(
    "country_roles",
    queryset=InitiativeCountry.objects.select_related("country").order_by(
        ROLE_ORDER, "country__name"
    ),
)


class InitiativeListView(ListView):
    model = Initiative
    paginate_by = 20
    template_name = "initiatives/initiative_list.html"

    def get_queryset(self):
        self.filterset = InitiativeFilter(
            self.request.GET or None,
            queryset=Initiative.objects.published(),
            request=self.request,
        )
        # Invalid fields are reported on the form and left out; the valid ones still apply.
        return self.filterset.qs.prefetch_related(COUNTRY_ROLES, "regions").only(
            "title",
            "slug",
            "summary",
            "modality",
            "project_status",
            "start_year",
            "end_year",
            "published_at",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["active_filters"] = active_filters(self.filterset, self.request)
        # The filters behind the disclosure stay open while one of them is in use or wrong.
        context["more_filters_open"] = any(
            self.request.GET.get(name)
            for name in self.filterset.form.fields
            if name not in {"q", "sort"}
        )
        return context


def active_filters(filterset, request):
    """(label, value shown, address without this filter) for every filter that applies."""
    form = filterset.form
    if not filterset.is_bound:
        return []
    form.is_valid()  # fills cleaned_data with the fields that are valid
    result = []
    for name, value in form.cleaned_data.items():
        if name == "sort" or value in (None, "", []):
            continue
        field = form.fields[name]
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            shown = dict(field.choices).get(value, value)
        else:
            shown = str(value)
        remaining = request.GET.copy()
        remaining.pop(name, None)
        remaining.pop("page", None)
        result.append(
            {
                "label": field.label,
                "value": shown,
                "remove_url": f"{request.path}?{remaining.urlencode()}"
                if remaining
                else request.path,
            }
        )
    return result


class InitiativeDetailView(PublishedDetailMixin, DetailView):
    model = Initiative
    template_name = "initiatives/initiative_detail.html"

    def get_queryset(self):
        # The search index is as long as all the texts together and the page shows none of it.
        return (
            self.get_base_queryset()
            .defer("search_text", "search_vector")
            .prefetch_related(
                COUNTRY_ROLES,
                "regions",
                Prefetch(
                    "organisation_roles",
                    queryset=InitiativeOrganisation.objects.select_related("organisation").order_by(
                        "role", "organisation__name"
                    ),
                ),
                "themes",
                "sdgs",
                "cooperation_forms",
                "sources",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        initiative = self.object
        context["countries_by_role"] = group_by_role(initiative.country_roles.all())
        context["organisations_by_role"] = group_by_role(initiative.organisation_roles.all())
        context["related"] = related_initiatives(initiative)
        return context


def group_by_role(links):
    """[(role label, [linked objects])] in the order the roles are declared."""
    groups = {}
    for link in links:
        target = getattr(link, "country", None) or link.organisation
        groups.setdefault(link.get_role_display(), []).append(target)
    return list(groups.items())


def related_initiatives(initiative, limit=3, pool=200):
    """Published case studies that share the most themes and countries with this one.

    The ranking looks at the `pool` most recent case studies that share anything at all, so that
    its cost stays the same however many case studies there are.
    """
    theme_ids = [theme.pk for theme in initiative.themes.all()]
    country_ids = [link.country_id for link in initiative.country_roles.all()]
    if not theme_ids and not country_ids:
        return []
    # Build the score only from the parts that have ids: an empty IN inside an aggregate's
    # FILTER makes the whole sum collapse to a constant.
    shared, matches = Value(0), Q()
    if theme_ids:
        themes = Initiative.themes.through.objects.filter(
            initiative=OuterRef("pk"), theme__in=theme_ids
        )
        shared += Count("themes", filter=Q(themes__in=theme_ids), distinct=True)
        matches |= Q(Exists(themes))
    if country_ids:
        countries = InitiativeCountry.objects.filter(
            initiative=OuterRef("pk"), country__in=country_ids
        )
        shared += Count(
            "country_roles", filter=Q(country_roles__country__in=country_ids), distinct=True
        )
        matches |= Q(Exists(countries))
    candidates = (
        Initiative.objects.published()
        .exclude(pk=initiative.pk)
        .filter(matches)
        .order_by("-published_at")
        .values("pk")[:pool]
    )
    return list(
        Initiative.objects.filter(pk__in=candidates)
        .annotate(shared=shared)
        .order_by("-shared", "-published_at")
        .only("title", "slug", "summary", "modality")[:limit]
    )
