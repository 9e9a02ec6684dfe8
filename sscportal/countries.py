"""The country index (/countries/) and a country's page (/countries/<ISO alpha-2>/).

The index: a world map of the countries and areas shaded by the number of published case
studies each takes part in (in any role, or in one: ?role=provider), drawn on the server as SVG
from the shapes `manage.py build_map` projected (world_map.py); the same numbers in a table by
region; and the flows of cooperation from providers' regions to beneficiaries' regions, as a
Sankey diagram (sankey.py) and a table. One query, however many case studies there are: the
rows of cooperation.py.

A country's page: everything published that involves it. Case studies it takes part in, by its
role; who it works with (its partners, by role: a bar diagram and a table); events held there,
upcoming and past; publications related to those case studies or events. A fixed number of
queries (at most nine), however many records there are: each list is cut to a few in the
database, with its full count beside it (window functions, on SQLite and PostgreSQL alike).
"""

from django.db.models import Count, F, Q, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi, ngettext, pgettext
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.choice_cache import cached_reference, cached_result
from core.collation import in_order
from core.content_language import with_translations
from core.dates import number
from events.models import Event
from initiatives import figures
from initiatives.models import CountryRole, Initiative, InitiativeCountry, card_places
from publications.models import Publication
from taxonomy.models import SDG, Country

from . import cooperation, sankey, world_map

# How many of each the page shows; the lists behind "see all" have the rest.
CASES_PER_ROLE = 6
EVENTS_PER_LIST = 6
PUBLICATIONS_SHOWN = 12

ROLE_HEADINGS = {
    CountryRole.PROVIDER: lambda count: ngettext(
        "As a provider: %(count)s case study", "As a provider: %(count)s case studies", count
    ),
    CountryRole.BENEFICIARY: lambda count: ngettext(
        "As a beneficiary: %(count)s case study",
        "As a beneficiary: %(count)s case studies",
        count,
    ),
    CountryRole.FACILITATOR: lambda count: ngettext(
        "As a facilitator: %(count)s case study",
        "As a facilitator: %(count)s case studies",
        count,
    ),
}


def heavy_fields(model, *names):
    """Of `names`, the fields `model` has: long texts and search indexes the cards never show."""
    fields = {field.name for field in model._meta.get_fields()}
    return with_translations(model, *[name for name in names if name in fields])


def region_path(region):
    """[Africa, Sub-Saharan Africa, Western Africa]: from the top region down. The chain is
    select_related (M49 has three levels), so this costs no query."""
    path = []
    while region is not None:
        path.append(region)
        region = region.parent
    return path[::-1]


class CountryView(TemplateView):
    template_name = "countries/country_detail.html"
    page_cache = True

    def get(self, request, *args, **kwargs):
        code = kwargs["code"]
        # ISO codes are two or three ASCII letters; anything else is no country.
        if not (2 <= len(code) <= 3 and code.isascii() and code.isalpha()):
            raise Http404(_("No country has this code."))
        code = code.upper()
        lookup = {"iso2": code} if len(code) == 2 else {"iso3": code}
        country = Country.objects.select_related("region__parent__parent").filter(**lookup).first()
        if country is None:
            raise Http404(_("No country has this code."))
        if kwargs["code"] != country.iso2:
            # One address per country: alpha-3 codes and lower case lead to it.
            return redirect(country.get_absolute_url(), permanent=True)
        self.country = country
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        country = self.country
        context["country"] = country
        context["regions"] = region_path(country.region)
        context["groups"] = [
            label
            for flag, label in (
                (country.is_ldc, _("Least developed country (LDC)")),
                (country.is_lldc, _("Landlocked developing country (LLDC)")),
                (country.is_sids, _("Small island developing State (SIDS)")),
            )
            if flag
        ]
        context["roles"] = self.case_studies_by_role()
        context["charts"] = self.case_study_charts() if context["roles"] else []
        context["partners"] = partners_context(country) if context["roles"] else None
        context.update(self.events())
        context["publications"], context["publications_total"] = self.publications()
        context["nothing_published"] = not (
            context["roles"]
            or context["upcoming_total"]
            or context["past_total"]
            or context["publications_total"]
        )
        return context

    def case_studies_by_role(self):
        """[{role, heading, total, initiatives}] for the roles the country has, in the order
        they are declared: one query for the links (the first few of each role, and each role's
        count), two for the cards' countries and regions."""
        links = list(
            InitiativeCountry.objects.filter(
                country=self.country, initiative__in=Initiative.objects.published().values("pk")
            )
            .select_related("initiative")
            .only(
                *with_translations(
                    InitiativeCountry,
                    "role",
                    "initiative__title",
                    "initiative__slug",
                    "initiative__summary",
                    "initiative__modality",
                    "initiative__published_at",
                )
            )
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("role"),
                    order_by=[F("initiative__published_at").desc(), F("initiative__title").asc()],
                ),
                role_total=Window(Count("pk"), partition_by=F("role")),
            )
            .filter(rank__lte=CASES_PER_ROLE)
            .order_by("role", "rank")
        )
        initiatives = [link.initiative for link in links]
        # The cards name every country of a case study with its role, and its regions.
        prefetch_related_objects(initiatives, *card_places())
        groups = {}
        for link in links:
            group = groups.setdefault(
                link.role,
                {"role": link.role, "total": link.role_total, "initiatives": []},
            )
            group["initiatives"].append(link.initiative)
        result = []
        for role in CountryRole.values:
            if role in groups:
                group = groups[role]
                group["heading"] = ROLE_HEADINGS[role](group["total"]) % {"count": group["total"]}
                group["more"] = group["total"] > len(group["initiatives"])
                result.append(group)
        return result

    def case_study_charts(self):
        """The country's published case studies by goal, modality and start year (one query,
        kept per content state; the goals come from the filter choices kept in memory), each
        goal and modality a link to the case-study list filtered by the country and by it."""
        published = Initiative.objects.published()
        involving = published.filter(
            pk__in=InitiativeCountry.objects.filter(country=self.country).values("initiative_id")
        )
        # Kept per content state as a list's figures are: thousands of case studies to count.
        counts = cached_result(
            "country-figures",
            (self.country.pk,),
            lambda: figures.result_counts(involving, regions=False),
            stale_ok=True,
        )
        # The same list, under the same name, as the goal filter of the lists keeps
        # (core/filters.py, publishing/filters.py SHARED_LINKS).
        goals = cached_reference(f"sdgs:{get_language()}", SDG.objects.all)
        base = f"{reverse('initiatives:list')}?country={self.country.iso2}"
        charts = [
            figures.goal_chart(counts["sdg"], goals, lambda number: f"{base}&sdg={number}"),
            figures.modality_chart(counts["modality"], lambda value: f"{base}&modality={value}"),
            figures.year_chart(counts["year"]),
        ]
        return [chart for chart in charts if chart]

    def events(self):
        """Published events held in the country: the next few and the last few, with how many
        there are of each (three queries)."""
        now = timezone.now()
        held_here = Event.objects.published().filter(country=self.country)
        totals = held_here.aggregate(
            upcoming_total=Count("pk", filter=Q(ends_at__gte=now)),
            past_total=Count("pk", filter=Q(ends_at__lt=now)),
        )
        skipped = heavy_fields(Event, "description", "source_note", "search_text", "search_vector")
        skipped += [f"parent__{name}" for name in skipped]
        # includes/event_card.html reads the parent, the country and, for upcoming events, the
        # registration counts.
        upcoming = []
        if totals["upcoming_total"]:
            upcoming = list(
                held_here.upcoming(now)
                .with_confirmed_count()
                .select_related("country", "parent")
                .defer(*skipped)[:EVENTS_PER_LIST]
            )
        past = []
        if totals["past_total"]:
            past = list(
                held_here.past(now)
                .select_related("country", "parent")
                .defer(*skipped)[:EVENTS_PER_LIST]
            )
        events_url = f"{reverse('events:list')}?country={self.country.iso2}"
        name = self.country.texts.name
        upcoming_count, past_count = totals["upcoming_total"], totals["past_total"]
        groups = [
            {
                "when": "upcoming",
                "events": upcoming,
                "total": upcoming_count,
                "heading": ngettext(
                    "%(counter)s upcoming event", "%(counter)s upcoming events", upcoming_count
                )
                % {"counter": upcoming_count},
                "more_url": events_url,
                "more_text": _("See all upcoming events in %(name)s") % {"name": name},
            },
            {
                "when": "past",
                "events": past,
                "total": past_count,
                "heading": ngettext("%(counter)s past event", "%(counter)s past events", past_count)
                % {"counter": past_count},
                "more_url": f"{events_url}&when=past",
                "more_text": _("See all past events in %(name)s") % {"name": name},
            },
        ]
        for group in groups:
            group["more"] = group["total"] > len(group["events"])
        return {"upcoming_events": upcoming, "past_events": past, "event_groups": groups, **totals}

    def publications(self):
        """Published publications related to a published case study involving the country, or
        to a published event held there: the latest few and how many (one query)."""
        via_case_studies = Publication.initiatives.through.objects.filter(
            initiative_id__in=InitiativeCountry.objects.filter(
                country=self.country, initiative__in=Initiative.objects.published().values("pk")
            ).values("initiative_id")
        ).values("publication_id")
        via_events = Publication.events.through.objects.filter(
            event_id__in=Event.objects.published().filter(country=self.country).values("pk")
        ).values("publication_id")
        return (
            Publication.objects.published()
            .filter(Q(pk__in=via_case_studies) | Q(pk__in=via_events))
            .only(
                "title",
                "slug",
                "summary",
                "kind",
                "year",
                "issued_on",
                "document_symbol",
                "language",
            )
            .order_by(*Publication.LATEST_FIRST)
            .first_with_total(PUBLICATIONS_SHOWN)
        )


# --- The country index: the map, the table, the flows ------------------------------------------

# The roles the map can show (?role=...), "" for all of them.
MAP_ROLES = ["", *CountryRole.values]
# How many partners of each role a country page's diagram shows; its table lists them all.
PARTNERS_SHOWN = 10


def map_title(role):
    return {
        "": _("Countries and areas by the number of published case studies they take part in"),
        CountryRole.PROVIDER: _("Countries and areas by the number of case studies as a provider"),
        CountryRole.BENEFICIARY: _(
            "Countries and areas by the number of case studies as a beneficiary"
        ),
        CountryRole.FACILITATOR: _(
            "Countries and areas by the number of case studies as a facilitator"
        ),
    }[role]


def role_links(current):
    """The links that switch the map between roles: [{url, text, current}]."""
    base = reverse("countries")
    texts = {
        "": _("All roles"),
        CountryRole.PROVIDER: _("As a provider"),
        CountryRole.BENEFICIARY: _("As a beneficiary"),
        CountryRole.FACILITATOR: _("As a facilitator"),
    }
    return [
        {
            "url": f"{base}?role={role}" if role else base,
            "text": texts[role],
            "current": role == current,
        }
        for role in MAP_ROLES
    ]


def country_groups(country):
    """LDC, LLDC, SIDS: the groups of the country, abbreviated, as a line of the table."""
    labels = [
        label
        for flag, label in (
            (country.is_ldc, _("LDC")),
            (country.is_lldc, _("LLDC")),
            (country.is_sids, _("SIDS")),
        )
        if flag
    ]
    return pgettext("between the items of a list written in a line", ", ").join(labels)


def table_groups(counts, countries, regions):
    """The table's regions (cooperation.region_groups), each country a row: {country, groups,
    counts}."""
    groups = cooperation.region_groups(counts, countries, regions)
    for group in groups:
        for sub in group["sub_regions"]:
            if group["region"] is None:
                sub["heading"] = _("In no region")
            elif sub["region"] == group["region"]:
                sub["heading"] = group["region"].texts.name
            else:
                sub["heading"] = f"{group['region'].texts.name} › {sub['region'].texts.name}"
            sub["rows"] = [
                {"country": country, "groups": country_groups(country), "counts": numbers}
                for country, numbers in sub["countries"]
            ]
    return groups


def case_study_count(name, count):
    """Kenya: 3 case studies."""
    return ngettext("%(name)s: %(count)s case study", "%(name)s: %(count)s case studies", count) % {
        "name": name,
        "count": number(count),
    }


def map_context(countries, counts, key):
    """The world map's shapes and dots, each with its country, its number in `key` (a role or
    "total"), its shade and its accessible name; the legend; the countries with case studies
    that the map cannot show (no shape and no position)."""
    data = world_map.world_map()
    by_code = {country.m49_code: country for country in countries.values()}
    values = {code: counts.get(country.pk, {}).get(key, 0) for code, country in by_code.items()}
    ranges = world_map.steps(max(values.values(), default=0))

    def place(code, **geometry):
        country, value = by_code.get(code), values.get(code, 0)
        item = {"country": country, "value": value, **geometry}
        if country is not None and value:
            item["shade"] = world_map.shade(world_map.step_of(value, ranges), len(ranges))
            item["label"] = case_study_count(country.texts.name, value)
        return item

    shapes = [place(code, d=d) for code, d in data["shapes"].items()]
    dots = [place(code, x=x, y=y) for code, (x, y) in data["dots"].items()]

    def linked(items):
        return in_order(
            [item for item in items if "label" in item], lambda i: i["country"].texts.name
        )

    linked_shapes, linked_dots = linked(shapes), linked(dots)
    drawn = set(data["shapes"]) | set(data["dots"])
    unmapped = in_order(
        [country for code, country in by_code.items() if values[code] and code not in drawn],
        lambda country: country.texts.name,
    )
    legend = [
        {
            "shade": world_map.shade(index, len(ranges)),
            "text": number(low) if low == high else f"{number(low)}–{number(high)}",
        }
        for index, (low, high) in enumerate(ranges, start=1)
    ]
    return {
        "width": data["width"],
        "height": data["height"],
        "shapes": [item for item in shapes if "label" not in item],
        "linked_shapes": linked_shapes,
        "dots": [item for item in dots if "label" not in item],
        "linked_dots": linked_dots,
        "legend": legend,
        "shaded": len(linked_shapes) + len(linked_dots),
        "unmapped": [
            {
                "country": country,
                "label": case_study_count(country.texts.name, values[country.m49_code]),
            }
            for country in unmapped
        ],
    }


def label_lines(text, characters=24):
    """`text` in lines of about `characters` at most, broken between words (a text without
    spaces, as Chinese is written, stays on one line)."""
    lines = [""]
    for word in text.split(" "):
        if lines[-1] and len(lines[-1]) + 1 + len(word) > characters:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}" if lines[-1] else word
    return lines


FLOW_COLOURS = 6  # classes flow-0 to flow-5 in site.css, by provider region
LINE_HEIGHT = 16
SANKEY_TOP = 30  # room for the columns' headings


def flows_context(flows):
    """The Sankey diagram of `flows` ({(provider region, beneficiary region): count}) and its
    table, or None when there is no flow."""
    if not flows:
        return None
    rtl = get_language_bidi()
    regions = {region.pk: region for pair in flows for region in pair}
    labels = {}
    for side, index in (("source", 0), ("target", 1)):
        totals = {}
        for pair, value in flows.items():
            totals[pair[index].pk] = totals.get(pair[index].pk, 0) + value
        for pk, total in totals.items():
            text = f"{regions[pk].texts.name} ({number(total)})"
            labels[side, pk] = label_lines(text)
    # A label of several lines needs a taller node (a region on both sides: the taller of both).
    min_heights = {}
    for (_side, key), lines in labels.items():
        if len(lines) > 1:
            min_heights[key] = max(min_heights.get(key, 0), LINE_HEIGHT * len(lines) + 4)
    layout = sankey.layout(
        [(source.pk, target.pk, value) for (source, target), value in flows.items()],
        width=720,
        label_width=200,
        max_height=360,
        min_height=LINE_HEIGHT + 4,
        min_heights=min_heights,
        mirrored=rtl,
        top=SANKEY_TOP,
    )
    source_index = {node.key: index for index, node in enumerate(layout.sources)}
    flip = {"start": "end", "end": "start"}
    nodes = []
    for node in layout.nodes:
        lines = labels[node.side, node.key]
        first = node.label_y - (len(lines) - 1) * LINE_HEIGHT / 2
        nodes.append(
            {
                "node": node,
                # In a right-to-left page the text runs the other way from its anchor.
                "anchor": flip[node.label_anchor] if rtl else node.label_anchor,
                "lines": [
                    {"text": line, "y": round(first + index * LINE_HEIGHT, 1)}
                    for index, line in enumerate(lines)
                ],
            }
        )
    bands = [
        {
            "path": link.path,
            "colour": source_index[link.source.key] % FLOW_COLOURS,
            "title": ngettext(
                "From %(provider)s to %(beneficiary)s: %(count)s case study",
                "From %(provider)s to %(beneficiary)s: %(count)s case studies",
                link.value,
            )
            % {
                "provider": regions[link.source.key].texts.name,
                "beneficiary": regions[link.target.key].texts.name,
                "count": number(link.value),
            },
        }
        for link in layout.links
    ]
    rows = sorted(
        (
            {"provider": source, "beneficiary": target, "count": value}
            for (source, target), value in flows.items()
        ),
        key=lambda row: (-row["count"], row["provider"].path, row["beneficiary"].path),
    )
    headings = []
    for column, text in (
        (layout.sources, _("Providers’ regions")),
        (layout.targets, _("Beneficiaries’ regions")),
    ):
        node = column[0]
        headings.append(
            {
                "x": node.label_x,
                "anchor": flip[node.label_anchor] if rtl else node.label_anchor,
                "text": text,
            }
        )
    return {
        "width": layout.width,
        "height": round(layout.height + 8),
        "headings": headings,
        "nodes": nodes,
        "bands": bands,
        "rows": rows,
    }


class CountryIndexView(TemplateView):
    """/countries/: the map, the table by region and the flows; `?role=` one of MAP_ROLES (an
    unknown role: the page for all roles, with a note, answered 400)."""

    template_name = "countries/country_index.html"
    page_cache = True

    def get(self, request, *args, **kwargs):
        role = request.GET.get("role", "")
        self.role = role if role in MAP_ROLES else ""
        self.unknown_role = role if role not in MAP_ROLES else None
        response = super().get(request, *args, **kwargs)
        if self.unknown_role is not None:
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        countries = cooperation.countries_by_id()
        regions = cooperation.regions_by_id()
        overview = cooperation.overview()
        counts = overview["by_country"]
        flows = {
            (regions[source], regions[target]): n
            for (source, target), n in overview["flows"].items()
            if source in regions and target in regions
        }
        context.update(
            role=self.role,
            unknown_role=self.unknown_role,
            role_links=role_links(self.role),
            map_title=map_title(self.role),
            map=map_context(countries, counts, self.role or "total"),
            groups=table_groups(counts, countries, regions),
            flows=flows_context(flows),
            case_studies=overview["case_studies"],
            roles=[(role, CountryRole(role).label) for role in CountryRole.values],
        )
        return context


# --- A country's partners ----------------------------------------------------------------------

PARTNER_HEADINGS = {
    CountryRole.PROVIDER: lambda name: _("%(name)s as a provider") % {"name": name},
    CountryRole.BENEFICIARY: lambda name: _("%(name)s as a beneficiary") % {"name": name},
    CountryRole.FACILITATOR: lambda name: _("%(name)s as a facilitator") % {"name": name},
}
PARTNER_LABELS = {
    # Translators: a partner in the case studies a country takes part in, and its role in them.
    CountryRole.PROVIDER: lambda: _("%(partner)s (provider)"),
    CountryRole.BENEFICIARY: lambda: _("%(partner)s (beneficiary)"),
    CountryRole.FACILITATOR: lambda: _("%(partner)s (facilitator)"),
}
CHART_WIDTH = 400
BAR_HEIGHT = 14
ROW_HEIGHT = 44
HEADING_HEIGHT = 34


def partner_link(partner):
    """A country's page, or the case studies of a region."""
    if isinstance(partner, Country):
        return partner.get_absolute_url()
    return f"{reverse('initiatives:list')}?region={partner.slug}"


def partners_context(country):
    """Who `country` works with in the published case studies it takes part in, by its role:
    {"groups": [{role, heading, partners: [{partner, role, count, ...}]}], "chart": ...}, or None
    when it has no partner. One query, when the partners are not kept already."""
    found = cooperation.country_partners(country)
    if not found:
        return None
    role_names = dict(CountryRole.choices)
    name = country.texts.name
    groups = []
    for own in CountryRole.values:
        rows = [
            {
                "partner": partner,
                "url": partner_link(partner),
                "role": role,
                "role_name": role_names[role],
                "count": count,
                "label": PARTNER_LABELS[role]() % {"partner": partner.texts.name},
            }
            for (role_of_country, partner, role), count in found.items()
            if role_of_country == own
        ]
        if rows:
            rows = sorted(
                in_order(rows, lambda row: row["partner"].texts.name),
                key=lambda row: -row["count"],
            )
            groups.append(
                {
                    "role": own,
                    "role_name": role_names[own],
                    "heading": PARTNER_HEADINGS[own](name),
                    "partners": rows,
                }
            )
    return {"groups": groups, "chart": partners_chart(groups)}


def partners_chart(groups):
    """The bar diagram of the partners: a heading per role of the country, then a bar per
    partner (the first PARTNERS_SHOWN), its label above it; lengths to one scale. In a
    right-to-left page the bars grow from the right and the texts start there."""
    rtl = get_language_bidi()
    highest = max(row["count"] for group in groups for row in group["partners"])
    label_room = 48  # for the count after the longest bar
    scale = (CHART_WIDTH - label_room) / highest
    y = 0
    items = []
    for group in groups:
        shown = group["partners"][:PARTNERS_SHOWN]
        items.append(
            {
                "kind": "heading",
                "text": group["heading"],
                "y": y + 20,
                "x": CHART_WIDTH if rtl else 0,
            }
        )
        y += HEADING_HEIGHT
        for row in shown:
            length = row["count"] * scale
            items.append(
                {
                    "kind": "bar",
                    "role": row["role"],
                    "text": row["label"],
                    "text_x": CHART_WIDTH if rtl else 0,
                    "text_y": y + 14,
                    "bar_x": round(CHART_WIDTH - length, 1) if rtl else 0,
                    "bar_y": y + 20,
                    "bar_width": round(length, 1),
                    "count": number(row["count"]),
                    "count_x": round(CHART_WIDTH - length - 6, 1) if rtl else round(length + 6, 1),
                    "count_y": y + 20 + BAR_HEIGHT - 2,
                }
            )
            y += ROW_HEIGHT
        more = len(group["partners"]) - len(shown)
        if more:
            items.append(
                {
                    "kind": "more",
                    "text": ngettext(
                        "and %(count)s more partner, in the table",
                        "and %(count)s more partners, in the table",
                        more,
                    )
                    % {"count": number(more)},
                    "x": CHART_WIDTH if rtl else 0,
                    "y": y + 14,
                }
            )
            y += 26
        y += 8
    return {"width": CHART_WIDTH, "height": y, "items": items, "bar_height": BAR_HEIGHT}
