"""The IATI activity file (initiatives/iati.py), read as a data user reads it: through its
address, against the official IATI 2.03 schema (data/iati/)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

import core.page_cache
from initiatives.models import CountryRole, Initiative, OrganisationRole, ProjectStatus
from publishing.models import Status
from taxonomy.models import Organisation

pytestmark = pytest.mark.django_db

URL = "/open-data/iati-activities.xml"
SCHEMA = etree.XMLSchema(
    file=str(settings.BASE_DIR / "data" / "iati" / "iati-activities-schema.xsd")
)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def fetch(client):
    response = client.get(URL)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, etree.fromstring(body)


def schema_errors(document):
    SCHEMA.validate(document)
    return [f"line {error.line}: {error.message}" for error in SCHEMA.error_log]


def activities(document):
    return {
        activity.findtext("document-link/title/narrative"): activity
        for activity in document.iterfind("iati-activity")
    }


def languages(element):
    return [narrative.get(XML_LANG) for narrative in element.iterfind("narrative")]


def codes(activity, tag, **attributes):
    return [
        element.get("code")
        for element in activity.iterfind(tag)
        if all(element.get(name.replace("_", "-")) == value for name, value in attributes.items())
    ]


@pytest.fixture
def make_activity(make_initiative, make_organisation):
    """make_initiative with what IATI requires of an activity unless told otherwise: a project
    status, a start year and an implementing organisation."""
    ministry = make_organisation("Ministry of Agriculture", kind=Organisation.Kind.GOVERNMENT)

    def make(*args, **fields):
        fields.setdefault("project_status", ProjectStatus.ONGOING)
        fields.setdefault("start_year", 2020)
        fields.setdefault("organisations", {ministry: OrganisationRole.IMPLEMENTING})
        return make_initiative(*args, **fields)

    return make


@pytest.fixture
def full_case(make_initiative, make_organisation, countries, regions, sdgs):
    """A case study with all the portal can say of one: translations, organisations in both
    roles, countries in every role, a region, goals, status, years and a contact."""
    undp = make_organisation("United Nations Development Programme", "UNDP")
    undp.name_fr = "Programme des Nations Unies pour le développement"
    undp.save()
    ngo = make_organisation("Seed Savers", kind=Organisation.Kind.NGO)
    jica = make_organisation("Japan International Cooperation Agency", "JICA")

    def make(title="Seeds for the Sahel", **fields):
        return make_initiative(
            title,
            title_fr="Des semences pour le Sahel",
            title_zh_hans="萨赫勒的种子",
            summary_fr="Des semences résistantes à la sécheresse.",
            countries={
                countries["kenya"]: CountryRole.PROVIDER,
                countries["mali"]: CountryRole.BENEFICIARY,
                countries["sierra_leone"]: CountryRole.BENEFICIARY,
                countries["cambodia"]: CountryRole.FACILITATOR,
            },
            organisations={
                undp: OrganisationRole.IMPLEMENTING,
                ngo: OrganisationRole.IMPLEMENTING,
                jica: OrganisationRole.SUPPORTING,
            },
            regions=[regions["western_africa"]],
            sdgs=[sdgs[2], sdgs[16]],
            project_status=ProjectStatus.ONGOING,
            start_year=2015,
            end_year=2027,
            contact_name="Awa Diallo",
            contact_email="awa@example.org",
            **fields,
        )

    return make


def test_a_case_study_with_everything_the_portal_knows_is_a_valid_iati_activity(client, full_case):
    case = full_case()

    response, document = fetch(client)

    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="iati-activities.xml"'
    assert document.get("version") == "2.03"
    assert schema_errors(document) == []
    (activity,) = document.iterfind("iati-activity")
    assert activity.findtext("iati-identifier") == f"SSCPORTAL-case-study-{case.pk}"
    reporting_org = activity.find("reporting-org")
    assert (reporting_org.get("ref"), reporting_org.get("secondary-reporter")) == ("SSCPORTAL", "1")
    implementers = activity.findall("participating-org")
    assert [(org.get("role"), org.get("type")) for org in implementers] == [
        ("4", None),  # an NGO: international, national or local is not known
        ("4", "40"),  # a UN entity: multilateral
    ]
    assert [narrative.text for narrative in implementers[1]] == [
        "United Nations Development Programme",
        "Programme des Nations Unies pour le développement",
    ]
    assert codes(activity, "activity-status") == ["2"]
    assert [
        (date.get("type"), date.get("iso-date"), date.findtext("narrative"))
        for date in activity.iterfind("activity-date")
    ] == [("2", "2015-01-01", "2015"), ("3", "2027-12-31", "2027")]
    assert activity.findtext("contact-info/person-name/narrative") == "Awa Diallo"
    assert activity.findtext("contact-info/email") == "awa@example.org"
    # Beneficiaries only: IATI has no element for a provider or facilitating country.
    assert codes(activity, "recipient-country") == ["ML", "SL"]
    assert codes(activity, "recipient-region", vocabulary="2") == ["011"]
    assert codes(activity, "tag", vocabulary="2") == ["2", "16"]
    link = activity.find("document-link")
    assert link.get("url") == f"http://testserver/initiatives/{case.slug}/"
    assert (link.get("format"), codes(link, "category")) == ("text/html", ["A12"])


def test_the_starting_content_is_a_valid_file_of_the_case_studies_iati_can_take(client):
    """The sources give most case studies no status, no start year and no implementing
    organisation, which the schema requires and the portal does not invent: those are left out,
    and the file of the others is valid."""
    call_command("load_portal_content", verbosity=0)

    _, document = fetch(client)

    assert schema_errors(document) == []
    reportable = Initiative.objects.published().exclude(project_status="")
    reportable = reportable.filter(
        start_year__isnull=False, organisation_roles__role=OrganisationRole.IMPLEMENTING
    ).distinct()
    assert reportable.exists()
    assert sorted(activities(document)) == sorted(case.title for case in reportable)
    assert len(document) < Initiative.objects.published().count()


@pytest.mark.parametrize(
    "missing",
    [{"project_status": ""}, {"start_year": None, "end_year": 2012}, {"organisations": {}}],
    ids=["status", "start year", "implementing organisation"],
)
def test_a_case_study_without_what_iati_requires_is_left_out(client, make_activity, missing):
    make_activity("Complete")
    make_activity("Incomplete", **missing)

    _, document = fetch(client)

    assert list(activities(document)) == ["Complete"]
    assert schema_errors(document) == []


def test_a_case_study_supported_but_not_carried_out_by_an_organisation_is_left_out(
    client, make_activity, make_organisation
):
    make_activity("Complete")
    funder = make_organisation("Japan International Cooperation Agency", "JICA")
    make_activity("Supported", organisations={funder: OrganisationRole.SUPPORTING})

    _, document = fetch(client)

    assert list(activities(document)) == ["Complete"]


def test_without_a_case_study_iati_can_take_there_is_no_file(client, make_initiative):
    make_initiative("No status, no years, no organisation")

    assert client.get(URL).status_code == 404


def test_drafts_case_studies_in_review_and_scheduled_ones_are_left_out(client, make_activity):
    make_activity("Public")
    make_activity("Draft", status=Status.DRAFT)
    make_activity("In review", status=Status.IN_REVIEW)
    make_activity("Scheduled", published_at=timezone.now() + timedelta(days=2))

    _, document = fetch(client)

    assert list(activities(document)) == ["Public"]


def test_narratives_come_in_each_language_the_record_has_and_only_those(client, make_activity):
    make_activity("English only")
    make_activity(
        "Title translated",
        title_ar="عنوان",
        title_zh_hans="标题",
        title_ru="   ",  # blank: not a translation
        summary_es="Resumen.",
    )

    found = activities(etree.fromstring(client.get(URL).content))

    english = found["English only"]
    assert set(english.xpath(".//narrative/@xml:lang")) == {"en"}
    translated = found["Title translated"]
    assert languages(translated.find("title")) == ["en", "ar", "zh"]
    assert languages(translated.find("description")) == ["en", "es"]


@pytest.mark.parametrize(
    ("status", "start", "end", "expected_status", "expected_dates"),
    [
        (ProjectStatus.PLANNED, 2030, 2032, ["1"], [("1", "2030-01-01"), ("3", "2032-12-31")]),
        (ProjectStatus.ONGOING, 2015, None, ["2"], [("2", "2015-01-01")]),
        (ProjectStatus.COMPLETED, 2010, 2012, ["4"], [("2", "2010-01-01"), ("4", "2012-12-31")]),
    ],
)
def test_status_and_years_are_given_as_iati_codes_and_dates(
    client, make_activity, status, start, end, expected_status, expected_dates
):
    make_activity(project_status=status, start_year=start, end_year=end)

    (activity,) = etree.fromstring(client.get(URL).content).iterfind("iati-activity")

    assert codes(activity, "activity-status") == expected_status
    dates = [
        (date.get("type"), date.get("iso-date")) for date in activity.iterfind("activity-date")
    ]
    assert dates == expected_dates


def test_the_reporting_organisation_and_the_identifiers_follow_the_settings(
    client, settings, make_activity
):
    settings.PORTAL_IATI_REPORTING_ORG = "XM-DAC-41114"
    settings.PORTAL_IATI_REPORTING_ORG_NAME = "United Nations Development Programme"
    settings.PORTAL_IATI_REPORTING_ORG_TYPE = "40"
    case = make_activity()

    (activity,) = etree.fromstring(client.get(URL).content).iterfind("iati-activity")

    assert activity.findtext("iati-identifier") == f"XM-DAC-41114-case-study-{case.pk}"
    reporting_org = activity.find("reporting-org")
    assert (reporting_org.get("ref"), reporting_org.get("type")) == ("XM-DAC-41114", "40")
    assert reporting_org.findtext("narrative") == "United Nations Development Programme"


def test_the_identifier_stays_when_the_address_changes(client, make_activity):
    case = make_activity()
    before = etree.fromstring(client.get(URL).content).findtext("iati-activity/iati-identifier")

    case.slug = "a-new-address"
    case.save()
    after = etree.fromstring(client.get(URL).content).findtext("iati-activity/iati-identifier")

    assert after == before


def test_characters_xml_cannot_hold_are_dropped_and_markup_is_escaped(client, make_activity):
    make_activity("Water\x0b for <all> & more", summary="Pumps\x01 and wells.")

    (activity,) = etree.fromstring(client.get(URL).content).iterfind("iati-activity")

    assert activity.findtext("title/narrative") == "Water for <all> & more"
    assert activity.findtext("description/narrative") == "Pumps and wells."


def test_the_file_makes_the_same_queries_for_one_case_study_and_for_ten(client, full_case):
    full_case()
    with CaptureQueriesContext(connection) as one:
        fetch(client)

    for number in range(9):
        full_case(f"Seeds {number}")
    with CaptureQueriesContext(connection) as ten:
        _, document = fetch(client)

    assert len(document) == 10
    assert len(ten) == len(one) <= 7


def test_a_file_too_long_for_the_page_cache_is_streamed_as_the_same_file(
    client, monkeypatch, full_case
):
    for number in range(3):
        full_case(f"Seeds {number}")
    whole, whole_document = fetch(client)

    monkeypatch.setattr(core.page_cache, "MAX_BYTES", 1000)
    streamed, streamed_document = fetch(client)

    assert not whole.streaming
    assert streamed.streaming
    assert streamed["Content-Type"] == whole["Content-Type"]
    for document in (whole_document, streamed_document):
        del document.attrib["generated-datetime"]
    assert etree.tostring(streamed_document) == etree.tostring(whole_document)
    assert schema_errors(streamed_document) == []


def test_the_file_is_kept_by_the_page_cache(client, settings, make_activity):
    settings.PAGE_CACHE_SECONDS = 300
    make_activity()

    first = client.get(URL)
    second = client.get(URL)

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert "public" in second["Cache-Control"]


def test_the_file_has_one_address_for_every_language(client, make_activity):
    make_activity()
    assert client.get(URL).status_code == 200
    assert client.get(f"/fr{URL}").status_code == 404


def test_a_client_that_has_the_file_as_it_is_gets_a_304(client, make_activity):
    make_activity("Seeds for the Sahel")
    first, _document = fetch(client)
    etag, last_modified = first["ETag"], first["Last-Modified"]

    by_etag = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    by_date = client.get(URL, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert etag.startswith('W/"')  # the bytes differ by the moment they were written
    for unchanged in (by_etag, by_date):
        assert unchanged.status_code == 304
        assert unchanged["ETag"] == etag

    make_activity("Clinics for Kenya")
    changed = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
