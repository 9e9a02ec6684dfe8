"""The published case studies as an IATI activity file (IATI Standard 2.03,
/open-data/iati-activities.xml): one <iati-activity> per case study, for the tools that read
development-cooperation data in the International Aid Transparency Initiative's format.

Only what the portal holds is written. The standard requires of every activity an organisation
that carries it out, a status and a date, and its rules ask for the start: a case study whose
record lacks an implementing organisation, a project status or a start year is not an activity
IATI can take, and is left out of the file rather than given a guess (reportable() says which
are in; the open-data page says how many). An element the portal has no facts for is left out of
an activity as well:

- organisations that support a case study (they may fund, oversee or advise it: no one IATI
  role), and provider and facilitating countries (IATI names organisations, not countries);
- percentages of recipient countries and regions, which the portal does not know;
- the budget, which IATI gives for a period with a value date, neither of which is known;
- the challenge, solution, results and replication, which IATI's description types do not name
  (the document link leads to the page that has them).

A case study's goals and SDG targets are its tags: a goal under vocabulary 2 (code "8"), a target
under vocabulary 3 (code "8.2", as IATI's SDG target codes are written). A target's goal is among
the case study's goals (Initiative.add_target_goals), so a target tag never comes without its
goal's.

The file is written one activity at a time (lxml's incremental writer) from the case studies
read in batches, so memory holds a batch and the part of the file not yet sent, not the file.
"""

import itertools
import re
from datetime import date

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from lxml import etree

from core import page_cache
from core.content_language import translation_field, translation_languages, with_translations
from taxonomy.models import SDG, Organisation, Region, SDGTarget

from .models import (
    CountryRole,
    Initiative,
    InitiativeCountry,
    InitiativeOrganisation,
    OrganisationRole,
    ProjectStatus,
)

VERSION = "2.03"
CONTENT_TYPE = "application/xml; charset=utf-8"
FILENAME = "iati-activities.xml"
# Case studies read per round of queries (one for the case studies, five for their relations).
BATCH = 200
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 does not allow, which lxml refuses to write (a control character pasted
# into a summary would otherwise cut the file short).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# IATI code lists (iatistandard.org/en/iati-standard/203/codelists/), for what the portal knows.
ACTIVITY_STATUS = {
    ProjectStatus.PLANNED: "1",  # Pipeline/identification
    ProjectStatus.ONGOING: "2",  # Implementation
    # Closed: "physical activity is complete", as "completed" says. Finalisation would add that
    # financial sign-off is pending, which the portal does not know.
    ProjectStatus.COMPLETED: "4",
}
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"  # ActivityDateType
IMPLEMENTING = "4"  # OrganisationRole
ORGANISATION_TYPES = {
    Organisation.Kind.GOVERNMENT: "10",  # Government
    Organisation.Kind.UN_ENTITY: "40",  # Multilateral
    Organisation.Kind.INTERGOVERNMENTAL: "40",
    Organisation.Kind.THINK_TANK: "80",  # Academic, Training and Research
    # An NGO may be international, national, regional or based in a partner country, and a
    # network or "other" kind has no match: their type is left out.
}
GENERAL_DESCRIPTION = "1"  # DescriptionType
UN_REGIONS = "2"  # RegionVocabulary: the UN Statistics Division's M49 codes
SDG_GOALS = "2"  # TagVocabulary
SDG_TARGETS = "3"  # TagVocabulary
ACTIVITY_WEB_PAGE = "A12"  # DocumentCategory


def reportable(initiatives):
    """The case studies among `initiatives` that hold what an IATI activity requires: a project
    status, a start year and an implementing organisation."""
    implemented = InitiativeOrganisation.objects.filter(
        initiative=OuterRef("pk"), role=OrganisationRole.IMPLEMENTING
    )
    return (
        initiatives.exclude(project_status="")
        .filter(start_year__isnull=False)
        .filter(Exists(implemented))
    )


def published_activities():
    """The published case studies IATI can take, oldest first (by key, the order of their
    identifiers), with what their activities say: five queries per batch of BATCH, however many
    there are."""
    beneficiaries = (
        InitiativeCountry.objects.filter(role=CountryRole.BENEFICIARY)
        .select_related("country")
        .only("initiative", "country__iso2")
        .order_by("country__iso2")
    )
    implementers = (
        InitiativeOrganisation.objects.filter(role=OrganisationRole.IMPLEMENTING)
        .select_related("organisation")
        .only(
            "initiative",
            "organisation__kind",
            *with_translations(InitiativeOrganisation, "organisation__name"),
        )
        .order_by("organisation__name")
    )
    return (
        reportable(Initiative.objects.published())
        .only(
            *with_translations(Initiative, "title", "summary"),
            "slug",
            "project_status",
            "start_year",
            "end_year",
            "contact_name",
            "contact_email",
            "published_at",
            "updated_at",
        )
        .prefetch_related(
            Prefetch("country_roles", queryset=beneficiaries, to_attr="beneficiaries"),
            Prefetch("organisation_roles", queryset=implementers, to_attr="implementers"),
            Prefetch("regions", queryset=Region.objects.only("m49_code").order_by("m49_code")),
            Prefetch("sdgs", queryset=SDG.objects.only("number").order_by("number")),
            Prefetch("targets", queryset=SDGTarget.objects.only("code")),
        )
        .order_by("pk")
        .iterator(chunk_size=BATCH)
    )


def identifier(initiative):
    """`{reporting-org ref}-case-study-{key}`, as IATI builds an activity's identifier from its
    publisher's. The key, not the slug: staff may edit a slug, and an IATI identifier must never
    change once reported."""
    return f"{settings.PORTAL_IATI_REPORTING_ORG}-case-study-{initiative.pk}"


def iati_language(language):
    """IATI names languages by ISO 639-1 code, without a script: the portal's zh-hans is zh."""
    return language.split("-")[0]


def written(record, field):
    """(language, text) for each language the record has `field` in, English first."""
    texts = [(settings.LANGUAGE_CODE, getattr(record, field))]
    texts += [
        (language, getattr(record, translation_field(field, language)))
        for language in translation_languages()
    ]
    return [(language, text) for language, text in texts if text and text.strip()]


def add(parent, tag, text=None, **attributes):
    """A child element of `parent`; attributes named as in Python (iso_date is iso-date)."""
    names = {name.replace("_", "-"): value for name, value in attributes.items()}
    element = etree.SubElement(parent, tag, names)
    if text is not None:
        element.text = NOT_XML.sub("", text)
    return element


def add_narratives(parent, record, field):
    for language, text in written(record, field):
        add(parent, "narrative", text, **{XML_LANG: iati_language(language)})
    return parent


def activity_dates(initiative):
    """(type, ISO date, year) of the start and end. The portal knows years only: IATI wants a day
    and says a narrative may give a less precise date, so the day is the year's first (start) or
    last (end) and the narrative the year. A start year is the actual start unless the project
    is planned; an end year the actual end unless it is planned or ongoing, since staff give it
    only once a project has ended (the field's help text)."""
    status = initiative.project_status
    dates = []
    if initiative.start_year:
        kind = PLANNED_START if status == ProjectStatus.PLANNED else ACTUAL_START
        dates.append((kind, date(initiative.start_year, 1, 1), initiative.start_year))
    if initiative.end_year:
        planned = status in (ProjectStatus.PLANNED, ProjectStatus.ONGOING)
        kind = PLANNED_END if planned else ACTUAL_END
        dates.append((kind, date(initiative.end_year, 12, 31), initiative.end_year))
    return dates


def activity(initiative, base_url):
    """One case study's <iati-activity>, its elements in the order the schema requires."""
    element = etree.Element(
        "iati-activity",
        {
            "last-updated-datetime": initiative.updated_at.isoformat(timespec="seconds"),
            XML_LANG: iati_language(settings.LANGUAGE_CODE),
        },
    )
    add(element, "iati-identifier", identifier(initiative))
    # A secondary reporter: the portal retells activities that others carry out.
    reporting_org = add(
        element,
        "reporting-org",
        ref=settings.PORTAL_IATI_REPORTING_ORG,
        type=settings.PORTAL_IATI_REPORTING_ORG_TYPE,
        secondary_reporter="1",
    )
    add(reporting_org, "narrative", settings.PORTAL_IATI_REPORTING_ORG_NAME)
    add_narratives(add(element, "title"), initiative, "title")
    add_narratives(add(element, "description", type=GENERAL_DESCRIPTION), initiative, "summary")
    for link in initiative.implementers:
        organisation = link.organisation
        kind = ORGANISATION_TYPES.get(organisation.kind)
        participant = add(element, "participating-org", role=IMPLEMENTING)
        if kind:
            participant.set("type", kind)
        add_narratives(participant, organisation, "name")
    if initiative.project_status:
        add(element, "activity-status", code=ACTIVITY_STATUS[initiative.project_status])
    for kind, day, year in activity_dates(initiative):
        add(
            add(element, "activity-date", type=kind, iso_date=day.isoformat()),
            "narrative",
            str(year),
        )
    if initiative.contact_name or initiative.contact_email:
        contact = add(element, "contact-info")
        if initiative.contact_name:
            add(add(contact, "person-name"), "narrative", initiative.contact_name)
        if initiative.contact_email:
            add(contact, "email", initiative.contact_email)
    for link in initiative.beneficiaries:
        add(element, "recipient-country", code=link.country.iso2)
    # The portal names a region only where its sources name no countries, as IATI asks.
    for region in initiative.regions.all():
        add(element, "recipient-region", code=region.m49_code, vocabulary=UN_REGIONS)
    for goal in initiative.sdgs.all():
        add(element, "tag", code=str(goal.number), vocabulary=SDG_GOALS)
    for target in initiative.targets.all():
        add(element, "tag", code=target.code, vocabulary=SDG_TARGETS)
    with translation.override(settings.LANGUAGE_CODE):
        page = base_url + initiative.get_absolute_url()
    # The English page, so its title in English.
    document = add(element, "document-link", url=page, format="text/html")
    add(
        add(document, "title"),
        "narrative",
        initiative.title,
        **{XML_LANG: iati_language(settings.LANGUAGE_CODE)},
    )
    add(document, "category", code=ACTIVITY_WEB_PAGE)
    add(document, "language", code=iati_language(settings.LANGUAGE_CODE))
    add(document, "document-date", iso_date=initiative.published_at.date().isoformat())
    return element


class Pieces:
    """What the incremental writer has written and not yet been sent."""

    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(bytes(data))

    def take(self):
        taken = b"".join(self.parts)
        self.parts.clear()
        return taken


def write_activities(initiatives, base_url):
    """The file, in pieces of bytes as they are written: an activity is built, written and let
    go before the next is read."""
    pieces = Pieces()
    generated = timezone.now().isoformat(timespec="seconds")
    with etree.xmlfile(pieces, encoding="utf-8") as xml:
        xml.write_declaration()
        with xml.element("iati-activities", {"version": VERSION, "generated-datetime": generated}):
            xml.write("\n")
            for initiative in initiatives:
                xml.write(activity(initiative, base_url), pretty_print=True)
                xml.flush()
                yield pieces.take()
    yield pieces.take()


def file_response(pieces):
    """The file whole while it is small enough for the page cache to keep (core/page_cache.py),
    streamed beyond that, so that a long file is never held whole in memory."""
    head, size = [], 0
    for piece in pieces:
        head.append(piece)
        size += len(piece)
        if size > page_cache.MAX_BYTES:
            response = StreamingHttpResponse(itertools.chain(head, pieces), CONTENT_TYPE)
            break
    else:
        response = HttpResponse(b"".join(head), CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{FILENAME}"'
    patch_cache_control(response, public=True, max_age=300)
    return response
