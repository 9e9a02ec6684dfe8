"""Many realistic case studies for benchmarks: what `manage.py generate_volume` writes.

They draw on the taxonomy in the database and on the words of volume_vocabulary.json, whose lists
start with their common entries: picks follow a Zipf-like curve, so common words turn up in many
rows and the rarest in well under 1% of them. Rows are written with bulk_create, which sends no
signal and stamps created_at/updated_at with the time of the run: a bulk_update (which calls no
pre_save) then writes the generated dates, and each batch refreshes its own search index.
"""

import bisect
import itertools
import json
import random
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.db import connection, reset_queries, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.text import slugify

from initiatives.models import CooperationForm, Initiative, InitiativeOrganisation, Modality
from publishing.models import Status
from publishing.search import refresh_search_index
from taxonomy.models import SDG, Country, Organisation, Region, Source, Theme

WORDS = json.loads(Path(__file__).with_name("volume_vocabulary.json").read_text(encoding="utf-8"))
YEARS = 12
# The columns of each kind of link, in the order case() gives their values.
LINKS = {"countries": ("country_id", "role"), "organisations": ("organisation_id", "role")}
LINKS |= {"regions": ("region_id",), "themes": ("theme_id",), "sdgs": ("sdg_id",)}
LINKS |= {"cooperation_forms": ("cooperationform_id",), "sources": ("source_id",)}


class Pick:
    """A weighted random pick; without weights Zipf-like: the first items common, the last rare."""

    def __init__(self, items, weights=None, name=None):
        self.items, exponent = list(items), WORDS["zipf"].get(name, 1)
        if isinstance(items, dict) and weights is None:  # {item: weight}
            weights = list(items.values())
        weights = weights or [1 / rank**exponent for rank in range(1, len(self.items) + 1)]
        self.cumulative = list(itertools.accumulate(weights))

    def __call__(self, rng):  # what rng.choices() does, without its overhead
        spot = rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect(self.cumulative, spot, 0, len(self.items) - 1)]


class Context(dict):
    """The values of one case study's sentences (str.format_map). Words are drawn when a sentence
    first needs them, never one the case already uses; {Intervention} capitalises {intervention}."""

    def __init__(self, rng, picks, **values):
        super().__init__(values)
        self.rng, self.picks = rng, picks

    def __missing__(self, key):
        if key[:1].isupper():
            return capitalise(str(self[key[0].lower() + key[1:]]))
        for _ in range(8):
            if (value := self.picks[key](self.rng)) not in self.values():
                break
        self[key] = value
        return value


def capitalise(text):
    return text[:1].upper() + text[1:]


def display_name(name):
    """ "Bolivia (Plurinational State of)" -> "Bolivia", "Niger" -> "the Niger"."""
    name = re.sub(r"\s*\([^)]*\)", "", WORDS["display_names"].get(name, name)).strip()
    rules = WORDS["article"]
    the = name.startswith(tuple(rules["prefixes"])) or name.endswith(tuple(rules["suffixes"]))
    return f"the {name}" if the or name in rules["names"] else name


def short_slug(text, length=80):
    """The slug of `text`, cut at a word boundary to at most `length` characters."""
    slug = slugify(text)
    if len(slug) > length:
        slug = slug[: length + 1].rsplit("-", 1)[0]
    return slug[:length].strip("-") or "case"


def generated_initiatives():
    return Initiative.objects.filter(slug__startswith="vol-", slug__regex=r"^vol-[0-9]+-")


def generated_organisations():
    return Organisation.objects.filter(slug__startswith="vol-org-")


def missing_taxonomy():
    """What the generator cannot do without, when the database lacks it."""
    needed = {"countries": Country, "Sustainable Development Goals": SDG, "themes": Theme}
    return [name for name, model in needed.items() if not model.objects.exists()]


def clear(batch_size):
    """Delete the generated case studies, a batch per transaction (Django's delete follows every
    relation; only primary keys are read), then the generated organisations no case study uses.
    Returns how many case studies, links and organisations went."""
    pks, label = list(generated_initiatives().values_list("pk", flat=True)), Initiative._meta.label
    cases = links = 0
    for start in range(0, len(pks), batch_size):
        batch = Initiative.objects.filter(pk__in=pks[start : start + batch_size]).only("pk")
        with transaction.atomic():
            total, per_model = batch.delete()
        cases, links = cases + per_model.get(label, 0), links + total - per_model.get(label, 0)
        reset_queries()  # with DEBUG on, the log of these big queries would pile up
    used = InitiativeOrganisation.objects.filter(organisation=OuterRef("pk"))
    return cases, links, generated_organisations().exclude(Exists(used)).delete()[0]


class Taxonomy:
    """The reference data, read once in a stable order (by natural key, never by primary key)
    so that a seed gives the same case studies in any database."""

    def __init__(self):
        regions = Region.objects.order_by("m49_code").only("name", "m49_code", "path", "parent_id")
        self.regions, paths = {r.pk: r for r in regions}, tuple(WORDS["northern_region_paths"])
        countries = [
            c for c in Country.objects.order_by("iso2") if c.iso2 not in WORDS["uninhabited"]
        ]
        self.names = {c.pk: display_name(c.name) for c in countries}
        self.region_of = {c.pk: c.region_id for c in countries}
        north = [
            c
            for c in countries
            if c.iso2 in WORDS["northern_codes"]
            or getattr(self.regions.get(c.region_id), "path", "-").startswith(paths)
        ]
        south = [c for c in countries if c.region_id and c not in north] or countries
        providers = [c for c in south if not c.is_ldc] or south
        share = {c.pk: 0.1 if c.iso2 in WORDS["territories"] else 1 for c in countries}

        def pick(countries, weight):  # territories only now and then
            return Pick([c.pk for c in countries], [weight(c) * share[c.pk] for c in countries])

        self.beneficiaries = pick(south, lambda c: 1 + 3 * c.is_ldc + 2 * (c.is_lldc or c.is_sids))
        self.providers = pick(providers, lambda c: 12 if c.iso2 in WORDS["major_providers"] else 1)
        self.facilitators = pick(
            north or south, lambda c: 10 if c.iso2 in WORDS["facilitators"] else 1
        )
        self.neighbours = {}
        for country in south:
            self.neighbours.setdefault(country.region_id, []).append(country.pk)
        self.sdgs = dict(SDG.objects.order_by("number").values_list("number", "pk"))
        self.themes = dict(Theme.objects.order_by("slug").values_list("slug", "pk"))
        forms = CooperationForm.objects.order_by("sort_order", "slug").values_list("pk", flat=True)
        self.forms = Pick(forms, name="cooperation_forms") if forms else None
        self.sources = list(Source.objects.order_by("slug").values_list("pk", flat=True))

    def ensure_organisations(self):
        """Makes the generated organisations (the same whatever the seed) that are not there
        yet; returns how many it made."""
        existing = generated_organisations().count()
        if existing >= len(WORDS["organisations"]):
            return 0
        countries = dict(Country.objects.values_list("iso2", "pk"))
        new = [
            Organisation(
                slug=f"vol-org-{number:03d}-{short_slug(name)}",
                name=name,
                acronym="".join(word[0] for word in re.findall(r"[A-Z][\w-]*", name))[:30],
                kind=kind,
                country_id=countries.get(iso2),
            )
            for number, (kind, name, iso2) in enumerate(WORDS["organisations"], 1)
        ]
        Organisation.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)  # slugs
        return generated_organisations().count() - existing

    def load_organisations(self):
        organisations = list(Organisation.objects.order_by("slug").only("name", "slug"))
        self.organisation_names = {o.pk: o.name for o in organisations}
        # The starting content's organisations (UN entities...) more often than a generated one.
        weights = [1 if o.slug.startswith("vol-org-") else 6 for o in organisations]
        self.organisations = Pick(self.organisation_names, weights)


class Volume:
    """Generates case studies from `seed`, numbered after the ones already there, and writes
    them a batch at a time (write). Slugs: vol-<7 digits>-<title>."""

    def __init__(self, seed):
        self.t = t = Taxonomy()
        self.new_organisations = t.ensure_organisations()
        t.load_organisations()
        self.rng, self.now = random.Random(seed), timezone.now()  # noqa: S311 (repeatable)
        last = generated_initiatives().order_by("-slug").values_list("slug", flat=True).first()
        self.number = int(last.split("-")[1]) + 1 if last else 1
        shared = [name for name in WORDS["draws"].values() if name in WORDS]
        lists = {name: Pick(WORDS[name], name=name) for name in shared}
        for name, (low, high) in WORDS["ranges"].items():
            lists[name] = Pick(range(low, high + 1), [1] * (high - low + 1))
        sectors = WORDS["sectors"].values()
        self.sectors = Pick(
            [self.sector(s, lists) for s in sectors], [s["weight"] for s in sectors]
        )
        self.modalities = Pick(
            {name: rules["weight"] for name, rules in WORDS["modalities"].items()}
        )
        self.statuses, self.currencies = Pick(WORDS["statuses"]), Pick(WORDS["currencies"])
        self.project_statuses = Pick(WORDS["project_statuses"])
        self.sentences = {  # by (has a provider, has a facilitator)
            (p, f): {
                name: [s for s in sentences if (p or "{P}" not in s) and (f or "{F}" not in s)]
                for name, sentences in WORDS["sentences"].items()
            }
            for p in (True, False)
            for f in (True, False)
        }
        self.totals = dict.fromkeys(LINKS, 0)

    def sector(self, words, lists):
        """A sector's themes and goals, its organisations and the lists its sentences draw from."""
        t, pattern = self.t, re.compile("|".join(words["organisation_words"]), re.IGNORECASE)
        own = {
            name: Pick(words[name], name=name) for name in WORDS["draws"].values() if name in words
        }
        lists = lists | own
        orgs = [pk for pk, name in t.organisation_names.items() if pattern.search(name)]
        return {
            "themes": [t.themes[slug] for slug in words["themes"] if slug in t.themes],
            "sdgs": [t.sdgs[number] for number in words["sdgs"] if number in t.sdgs],
            "organisations": Pick(orgs, [1] * len(orgs)) if orgs else t.organisations,
            "picks": {key: lists[name] for key, name in WORDS["draws"].items()},
        }

    def countries(self, rules):
        """(provider or None, beneficiaries, facilitator or None): each country in one role."""
        rng, t = self.rng, self.t
        provider = t.providers(rng) if rng.random() < rules["provider"] else None
        first = next(
            (pk for pk in (t.beneficiaries(rng) for _ in range(20)) if pk != provider), None
        )
        provider, first = (provider, first) if first else (None, provider)  # the only candidate
        chosen, wanted = [first], rng.choice(rules["beneficiaries"])
        neighbours = t.neighbours.get(t.region_of[first], []) if rules["neighbours"] else []
        for _ in range(wanted * 6):
            if len(chosen) == wanted:
                break
            candidate = rng.choice(neighbours) if len(neighbours) > 1 else t.beneficiaries(rng)
            if candidate not in (provider, *chosen):
                chosen.append(candidate)
        facilitator, taken = None, {provider, *chosen}
        if rng.random() < rules["facilitator"]:
            left = [pk for pk in t.names if pk not in taken]
            tries = (pk for pk in (t.facilitators(rng) for _ in range(10)) if pk not in taken)
            facilitator = next(tries, rng.choice(left) if left else None)
        return provider, chosen, facilitator

    def related(self, preferred, everything, name):
        """Themes or goals: the sector's main one, then mostly its other ones."""
        rng, count, everything = self.rng, self.rng.choice(WORDS["counts"][name]), list(everything)
        mostly = len(preferred) > 1  # else one preferred at most
        picks = [
            rng.choice(preferred if mostly and rng.random() < 0.75 else everything)
            for _ in range(count * 3)
        ]
        return [(pk,) for pk in dict.fromkeys(preferred[:1] + picks)][:count]

    def case(self):
        """One unsaved case study, its generated created_at and updated_at, and its links."""
        rng, t = self.rng, self.t
        sector, modality = self.sectors(rng), self.modalities(rng)
        provider, beneficiaries, facilitator = self.countries(WORDS["modalities"][modality])
        if modality == Modality.TRIANGULAR and not (provider and facilitator):
            modality = Modality.BILATERAL  # too few countries in the database for three roles
        rules, home = WORDS["modalities"][modality], t.regions.get(t.region_of[beneficiaries[0]])
        region = home if rng.random() < rules["region"] else None
        if region and region.parent_id and rng.random() < 0.3:
            region = t.regions.get(region.parent_id, region)
        implementing = (sector["organisations"] if rng.random() < 0.6 else t.organisations)(rng)
        supporting = t.organisations(rng) if rng.random() < 0.45 else implementing
        status, project_status = self.statuses(rng), self.project_statuses(rng)
        moment = self.now - timedelta(seconds=rng.uniform(3600, YEARS * 365.25 * 86400))
        published_at = moment.replace(microsecond=0) if status == Status.PUBLISHED else None
        created_at = published_at - timedelta(days=rng.uniform(1, 120)) if published_at else moment
        updated_at = min(moment + timedelta(days=rng.expovariate(1 / 90)), self.now)
        years, year, end_year = WORDS["project_years"][project_status], moment.year, None
        start_year = year + rng.randint(*years["start"]) if rng.random() < years["known"] else None
        if start_year and rng.random() < years["ended"]:
            end_year = max(start_year, year + rng.randint(*years["end"]))
        names = [t.names[pk] for pk in beneficiaries]
        places = WORDS["region_places"].get(home.m49_code if home else "")
        context = Context(
            rng,
            sector["picks"],
            P=t.names.get(provider, ""),
            B=" and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names),
            B1=names[0],
            F=t.names.get(facilitator, ""),
            R=(region or home).name if (region or home) else "the South",
            org=t.organisation_names[implementing],
            org2=t.organisation_names[supporting],
            end=end_year or year,
            **({"place": rng.choice(places)} if places and rng.random() < 0.5 else {}),
        )
        titles = ["any", "provider"] if provider else ["any"]
        titles = [WORDS["titles"][name] for name in titles + rules["titles"]]
        sentences = self.sentences[bool(provider), bool(facilitator)]
        budget = None if rng.random() < 0.4 else Decimal(round(10 ** rng.uniform(4, 7.4), -3))
        contact = [rng.choice(WORDS["first_names"]), rng.choice(WORDS["surnames"])]
        contact = contact if rng.random() < 0.3 else []
        initiative = Initiative(
            title=capitalise(rng.choice(rng.choice(titles)).format_map(context))[:255],
            status=status,
            published_at=published_at,
            modality=modality,
            project_status=project_status,
            start_year=start_year,
            end_year=end_year,
            budget_amount=budget,
            budget_currency=self.currencies(rng) if budget else "",
            contact_name=" ".join(contact),
            contact_email=".".join(map(slugify, contact)) + "@example.org" if contact else "",
            featured=rng.random() < 0.001,
        )
        for name, (low, high) in WORDS["paragraphs"].items():
            pool = sentences[name]
            chosen = sorted(rng.sample(range(len(pool)), min(len(pool), rng.randint(low, high))))
            setattr(
                initiative, name, " ".join(capitalise(pool[i].format_map(context)) for i in chosen)
            )
        roles = [(provider, "provider"), *((pk, "beneficiary") for pk in beneficiaries)]
        organisations = [(implementing, "implementing"), (supporting, "supporting")]
        count = rng.choice(WORDS["counts"]["cooperation_forms"]) if t.forms else 0
        forms = dict.fromkeys(t.forms(rng) for _ in range(count))
        links = {
            "countries": [(pk, role) for pk, role in [*roles, (facilitator, "facilitator")] if pk],
            "organisations": organisations[: 1 + (supporting != implementing)],
            "regions": [(region.pk,)] if region else [],
            "themes": self.related(sector["themes"], t.themes.values(), "themes"),
            "sdgs": self.related(sector["sdgs"], t.sdgs.values(), "sdgs"),
            "cooperation_forms": [(pk,) for pk in forms],
            "sources": [(rng.choice(t.sources),)] if t.sources else [],
        }
        return initiative, (created_at, updated_at), links

    def write(self, size, index=True):
        """Generate `size` case studies and write them, with their links, in one transaction."""
        cases = [self.case() for _ in range(size)]
        objects = [initiative for initiative, _, _ in cases]
        for initiative in objects:
            initiative.slug = f"vol-{self.number:07d}-{short_slug(initiative.title)}"
            self.number += 1
        with transaction.atomic():
            Initiative.objects.bulk_create(objects, batch_size=size)
            if not connection.features.can_return_rows_from_bulk_insert or objects[0].pk is None:
                pks = Initiative.objects.filter(slug__in=[o.slug for o in objects])
                pks = dict(pks.values_list("slug", "pk"))
                for initiative in objects:
                    initiative.pk = pks[initiative.slug]
            for initiative, (created_at, updated_at), _ in cases:  # bulk_create stamped now
                initiative.created_at, initiative.updated_at = created_at, updated_at
            Initiative.objects.bulk_update(objects, ["created_at", "updated_at"], batch_size=500)
            for name, columns in LINKS.items():
                model = getattr(Initiative, name).through
                rows = [
                    model(initiative_id=initiative.pk, **dict(zip(columns, values, strict=True)))
                    for initiative, _, links in cases
                    for values in links[name]
                ]
                model.objects.bulk_create(rows, batch_size=max(size, 1000))
                self.totals[name] += len(rows)
            if index:
                new = Initiative.objects.filter(pk__in=[o.pk for o in objects])
                refresh_search_index(new, batch_size=size)
        reset_queries()  # with DEBUG on, the log of these big INSERTs would pile up
