"""Case studies imported from and exported to spreadsheets, through the admin's own pages: the
import form posted with a file, the preview, the confirm form posted, the export of a filtered
list."""

import io
import re
from html import unescape
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from devtools.samples import spreadsheet_confirm_form
from initiatives.models import CountryRole, Initiative, InitiativeCountry, OrganisationRole
from publishing.models import Status
from taxonomy.models import Organisation

IMPORT = "admin:initiatives_initiative_import"
EXPORT = "admin:initiatives_initiative_export"
CHANGELIST = "admin:initiatives_initiative_changelist"
PERMISSIONS = ("add_initiative", "change_initiative", "view_initiative")

HEADER = (
    "title,summary,modality,provider countries,beneficiary countries,themes,sdgs,"
    "implementing organisations,supporting organisations,start year,end year,sources,status\n"
)


def csv_file(text, name="case-studies.csv", encoding="utf-8"):
    upload = io.BytesIO(text.encode(encoding))
    upload.name = name
    return upload


def xlsx_file(rows, name="case-studies.xlsx"):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    upload = io.BytesIO()
    book.save(upload)
    upload.seek(0)
    upload.name = name
    return upload


def format_value(html, name):
    """The value of the import form's format option for `name` ("csv", "xlsx")."""
    match = re.search(rf'<option value="(\d+)"[^>]*>{name}</option>', html)
    assert match, html
    return match.group(1)


def upload(client, upload_file, kind="csv"):
    """Posts the import form as a browser would, with the file: the dry run's page."""
    page = client.get(reverse(IMPORT))
    assert page.status_code == 200
    html = page.content.decode()
    return client.post(
        reverse(IMPORT), {"format": format_value(html, kind), "import_file": upload_file}
    )


def confirm(client, preview):
    """Posts the preview page's confirm form."""
    html = preview.content.decode()
    fields = spreadsheet_confirm_form(html)
    assert fields, "the preview offers no confirm form"
    return client.post(reverse("admin:initiatives_initiative_process_import"), fields)


def page_text(response):
    return unescape(response.content.decode())


@pytest.fixture
def reference(countries, sdgs, make_theme, make_organisation, source):
    countries["kenya"].iso3 = "KEN"  # the factory's codes are made up
    countries["kenya"].save()
    sdgs[2].short_name = "Zero hunger"
    sdgs[2].save()
    return {
        "health": make_theme("Health"),
        "agriculture": make_theme("Agriculture and food security"),
        "undp": make_organisation("United Nations Development Programme", "UNDP"),
        "embrapa": make_organisation(
            "Brazilian Agricultural Research Corporation",
            "Embrapa",
            kind=Organisation.Kind.GOVERNMENT,
        ),
        "source": source,
    }


@pytest.fixture
def editor(staff_client):
    return staff_client(*PERMISSIONS)


GOOD_ROWS = (
    "Seeds for the Sahel,Improved seed shared between farmers.,Triangular,Colombia,"
    "Mali; sierra leone,Agriculture and food security,SDG 2; Zero hunger,"
    "Embrapa,UNDP,2019,2022,A source document,published\n"
    "Clinics by radio,Health advice over community radio.,bilateral,CL,KEN,Health,3,,"
    "United Nations Development Programme,2020,,A source document,\n"
)


def test_a_good_file_shows_every_row_before_anything_is_written_then_imports_on_confirm(
    editor, reference, sdgs
):
    preview = upload(editor, csv_file(HEADER + GOOD_ROWS))

    assert preview.status_code == 200
    text = page_text(preview)
    assert "Seeds for the Sahel" in text and "Clinics by radio" in text
    assert "2 new, 0 changed, 0 unchanged." in text
    assert not Initiative.objects.exists()  # the dry run wrote nothing

    done = confirm(editor, preview)

    assert done.status_code == 302
    seeds = Initiative.objects.get(slug="seeds-for-the-sahel")
    assert seeds.status == Status.IN_REVIEW and seeds.published_at is None  # not "published"
    assert seeds.modality == "triangular"
    roles = {(link.country.name, link.role) for link in seeds.country_roles.all()}
    assert roles == {
        ("Colombia", CountryRole.PROVIDER),
        ("Mali", CountryRole.BENEFICIARY),
        ("Sierra Leone", CountryRole.BENEFICIARY),
    }
    assert [theme.name for theme in seeds.themes.all()] == ["Agriculture and food security"]
    assert [goal.number for goal in seeds.sdgs.all()] == [2]
    organisations = {
        (link.organisation.acronym, link.role) for link in seeds.organisation_roles.all()
    }
    assert organisations == {
        ("Embrapa", OrganisationRole.IMPLEMENTING),
        ("UNDP", OrganisationRole.SUPPORTING),
    }
    assert list(seeds.sources.all()) == [reference["source"]]
    assert (seeds.start_year, seeds.end_year) == (2019, 2022)
    # Indexed once the import is written, with its countries and organisations.
    assert "Sierra Leone" in seeds.search_text and "Embrapa" in seeds.search_text
    clinics = Initiative.objects.get(slug="clinics-by-radio")
    assert {(link.country.iso2, link.role) for link in clinics.country_roles.all()} == {
        ("CL", CountryRole.PROVIDER),
        ("KE", CountryRole.BENEFICIARY),
    }
    assert [goal.number for goal in clinics.sdgs.all()] == [3]


def test_one_bad_row_among_good_ones_leaves_the_database_unchanged_and_names_row_and_problem(
    editor, reference
):
    rows = GOOD_ROWS + (
        "Bad country,Summary.,bilateral,Colombia,Kenia,,,,,2021,2019,A source document,\n"
        ",No title here.,bilateral,,,,,,,,,A source document,\n"
        "Odd modality,Summary.,sideways,,,,SDG 42,,,,,A source document,\n"
    )

    response = upload(editor, csv_file(HEADER + rows))

    assert response.status_code == 200
    text = page_text(response)
    assert "Nothing was imported" in text
    assert "Row 4, “beneficiary countries”: unknown country “Kenia”" in text
    assert "Row 4, “end year”: end year 2019 is before start year 2021" in text
    assert "The end year cannot be before the start year" not in text
    assert "Row 5, “title”: missing title" in text
    assert "Row 6, “modality”: unknown modality “sideways”" in text
    assert "Row 6, “sdgs”: unknown Sustainable Development Goal “42”" in text
    assert "process_import" not in text  # no confirm form
    assert not Initiative.objects.exists()
    assert not InitiativeCountry.objects.exists()


def test_a_row_for_a_published_case_study_is_refused_and_a_draft_is_updated_in_review(
    editor, reference, make_initiative
):
    live = make_initiative("Live one", slug="live-one", summary="As published.")
    draft = make_initiative("Old draft", slug="old-draft", status=Status.DRAFT)
    text = (
        "slug,title,summary,modality,sources\n"
        "old-draft,New draft title,New summary.,regional,A source document\n"
        "live-one,Live one,Changed by a file.,bilateral,A source document\n"
    )

    response = upload(editor, csv_file(text))

    assert "Row 3: “Live one” is published: change it in its form" in page_text(response)
    live.refresh_from_db()
    draft.refresh_from_db()
    assert live.summary == "As published." and live.status == Status.PUBLISHED
    assert draft.title == "Old draft"

    only_draft = "\n".join(text.splitlines()[:2]) + "\n"
    done = confirm(editor, upload(editor, csv_file(only_draft)))

    assert done.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.summary, draft.modality) == (
        "New draft title",
        "New summary.",
        "regional",
    )
    assert draft.status == Status.IN_REVIEW


def test_the_same_slug_twice_in_a_file_is_an_error(editor, reference):
    text = (
        "slug,title,summary,modality,sources\n"
        "twice,One,Summary.,bilateral,A source document\n"
        "twice,Two,Summary.,bilateral,A source document\n"
    )

    response = upload(editor, csv_file(text))

    assert "Row 3, “slug”: the slug “twice” is also in row 2" in page_text(response)


def test_xlsx_with_date_and_number_cells_imports(editor, reference):
    import datetime

    rows = [
        ["Title", "Summary", "Modality", "Beneficiary countries", "SDGs", "Start year", "Sources"],
        [
            "From a workbook",
            "Summary.",
            "Bilateral",
            "Jamaica",
            16,
            datetime.datetime(2018, 5, 1),
            "A source document",
        ],
    ]

    done = confirm(editor, upload(editor, xlsx_file(rows), kind="xlsx"))

    assert done.status_code == 302
    record = Initiative.objects.get(slug="from-a-workbook")
    assert record.start_year == 2018
    assert [goal.number for goal in record.sdgs.all()] == [16]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "picture.csv", "not in UTF-8"),
        (b"", "empty.csv", "file is empty"),
        ("title,summary\nS\xe3o Paulo,Latin-1\n".encode("latin-1"), "latin1.csv", "UTF-8"),
        (b"\n\n", "blank.csv", "No valid data to import"),
    ],
)
def test_a_file_that_is_not_a_readable_spreadsheet_gets_a_form_error(
    editor, reference, content, name, message
):
    upload_file = io.BytesIO(content)
    upload_file.name = name

    response = upload(editor, upload_file)

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert message in page_text(response)
    assert not Initiative.objects.exists()


def test_a_file_not_xlsx_posted_as_xlsx_gets_a_form_error(editor, reference):
    response = upload(editor, csv_file(HEADER + GOOD_ROWS), kind="xlsx")

    assert response.status_code == 200
    assert "The file could not be read" in page_text(response)


def test_a_huge_file_gets_a_form_error(editor, reference, settings):
    settings.PORTAL_IMPORT_MAX_BYTES = 1000
    response = upload(editor, csv_file(HEADER + GOOD_ROWS * 20))

    assert response.status_code == 200
    assert "larger than" in page_text(response)
    assert not Initiative.objects.exists()


@pytest.mark.parametrize(
    "permissions",
    [("view_initiative",), ("view_initiative", "change_initiative"), ("add_initiative",)],
)
def test_import_needs_add_and_change_permission(staff_client, reference, permissions):
    client = staff_client(*permissions)

    assert client.get(reverse(IMPORT)).status_code == 403
    response = client.post(
        reverse(IMPORT), {"format": "0", "import_file": csv_file(HEADER + GOOD_ROWS)}
    )
    assert response.status_code == 403
    assert (
        client.post(reverse("admin:initiatives_initiative_process_import"), {}).status_code == 403
    )
    assert not Initiative.objects.exists()


def test_the_list_offers_import_only_to_staff_who_may_import(staff_client):
    viewer = staff_client("view_initiative")
    assert reverse(IMPORT) not in viewer.get(reverse(CHANGELIST)).content.decode()


def test_the_list_offers_import_to_an_editor(editor):
    assert reverse(IMPORT) in editor.get(reverse(CHANGELIST)).content.decode()


def export(client, query, kind="csv"):
    """The export page of the list filtered by `query`, its form posted as a browser would."""
    url = reverse(EXPORT) + query
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {"format": format_value(page.content.decode(), kind)})


def relations(record):
    return {
        "countries": sorted((link.country_id, link.role) for link in record.country_roles.all()),
        "organisations": sorted(
            (link.organisation_id, link.role) for link in record.organisation_roles.all()
        ),
        "regions": sorted(record.regions.values_list("pk", flat=True)),
        "themes": sorted(record.themes.values_list("pk", flat=True)),
        "sdgs": sorted(record.sdgs.values_list("pk", flat=True)),
        "sources": sorted(record.sources.values_list("pk", flat=True)),
    }


def snapshot():
    fields = [f.name for f in Initiative._meta.concrete_fields if f.name != "search_vector"]
    return {
        record.slug: ({name: getattr(record, name) for name in fields}, relations(record))
        for record in Initiative.objects.order_by("slug")
    }


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_export_of_the_filtered_list_imports_back_unchanged(
    editor, reference, countries, sdgs, regions, make_initiative, kind
):
    make_initiative(
        '=HYPERLINK("http://evil.example")',
        status=Status.IN_REVIEW,
        summary="-1 and '=quoted, with “quotes”; semicolons\nand a new line.",
        modality="triangular",
        countries={
            countries["colombia"]: CountryRole.PROVIDER,
            countries["kenya"]: CountryRole.BENEFICIARY,
            countries["mali"]: CountryRole.BENEFICIARY,
        },
        organisations={reference["undp"]: OrganisationRole.SUPPORTING},
        regions=[regions["caribbean"]],
        themes=[reference["health"]],
        sdgs=[sdgs[2], sdgs[16]],
        sources=[reference["source"]],
        start_year=2020,
        budget_amount="1500.50",
        budget_currency="USD",
        contact_email="someone@example.org",
    )
    make_initiative("Second in review", status=Status.IN_REVIEW, sources=[reference["source"]])
    make_initiative("Published, filtered out", sources=[reference["source"]])
    before = snapshot()

    exported = export(editor, "?status__exact=review", kind)

    assert exported.status_code == 200
    content = b"".join(exported) if exported.streaming else exported.content
    if kind == "csv":
        text = content.decode("utf-8-sig")
        assert "Published, filtered out" not in text
        assert "'=HYPERLINK" in text  # a spreadsheet shows it, never runs it
        assert "'-1 and" in text
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert titles.count('\'=HYPERLINK("http://evil.example")') == 1
        assert "Published, filtered out" not in titles
    upload_file = io.BytesIO(content)
    upload_file.name = f"export.{kind}"

    preview = upload(editor, upload_file, kind)

    text = page_text(preview)
    assert "0 new, 0 changed, 2 unchanged." in text, text
    confirm(editor, preview)
    assert snapshot() == before


def test_a_record_published_between_preview_and_confirmation_stops_the_whole_import(
    editor, reference, make_initiative
):
    draft = make_initiative("Old draft", slug="old-draft", status=Status.DRAFT)
    text = (
        "slug,title,summary,modality,sources\n"
        "brand-new,Brand new,Summary.,bilateral,A source document\n"
        "old-draft,Changed title,Summary.,bilateral,A source document\n"
    )
    preview = upload(editor, csv_file(text))
    Initiative.objects.filter(pk=draft.pk).update(status=Status.PUBLISHED)

    response = confirm(editor, preview)

    assert response.status_code == 200
    assert "Row 3: “Old draft” is published: change it in its form" in page_text(response)
    assert not Initiative.objects.filter(slug="brand-new").exists()
    draft.refresh_from_db()
    assert draft.title == "Old draft"


def test_a_confirmation_whose_file_is_gone_asks_for_the_file_again(editor, reference):
    preview = upload(editor, csv_file(HEADER + GOOD_ROWS))
    fields = {
        **spreadsheet_confirm_form(preview.content.decode()),
        "import_file_name": "no-such-file",
    }

    response = editor.post(reverse("admin:initiatives_initiative_process_import"), fields)

    assert response.status_code == 302
    assert response["Location"] == reverse(IMPORT)
    assert not Initiative.objects.exists()


def test_an_export_with_unknown_list_filters_is_a_bad_request(editor):
    assert editor.get(reverse(EXPORT) + "?nonsense__in=1").status_code == 400


EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_example_spreadsheet_imports_cleanly_into_the_starting_content(editor, kind):
    call_command("load_portal_content", verbosity=0)
    before = Initiative.objects.count()
    upload_file = io.BytesIO((EXAMPLES / f"case-studies.{kind}").read_bytes())
    upload_file.name = f"case-studies.{kind}"

    preview = upload(editor, upload_file, kind)

    assert "4 new, 0 changed, 0 unchanged." in page_text(preview)
    assert confirm(editor, preview).status_code == 302
    assert Initiative.objects.count() == before + 4
    rice = Initiative.objects.get(slug="rice-value-chains-in-west-africa-with-asian-expertise")
    assert sorted((link.country.name, link.role) for link in rice.country_roles.all()) == [
        ("Japan", CountryRole.FACILITATOR),
        ("Mali", CountryRole.BENEFICIARY),
        ("Senegal", CountryRole.BENEFICIARY),
        ("Thailand", CountryRole.PROVIDER),
        ("Viet Nam", CountryRole.PROVIDER),
    ]
    assert sorted(goal.number for goal in rice.sdgs.all()) == [2, 8]
    assert [region.name for region in rice.regions.all()] == ["Western Africa"]
    assert rice.organisation_roles.count() == 2
    assert rice.status == Status.IN_REVIEW


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def test_the_import_and_export_pages_need_no_inline_script_or_style(
    editor, reference, make_initiative
):
    """The admin's Content-Security-Policy allows only its own files: an inline style or
    script would be blocked, and the page would look or work differently."""
    make_initiative("Seeds for the Sahel", slug="seeds-for-the-sahel", status=Status.DRAFT)
    rows = GOOD_ROWS + "Bad,Summary.,sideways,,,,,,,,,A source document,\n"
    pages = {
        "form": editor.get(reverse(IMPORT)),
        "preview": upload(editor, csv_file(HEADER + GOOD_ROWS)),
        "errors": upload(editor, csv_file(HEADER + rows)),
        "export": editor.get(reverse(EXPORT) + "?status__exact=review"),
    }

    assert "<del>" in pages["preview"].content.decode()  # the changed row's old values
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert not INLINE.findall(response.content.decode()), name


def test_an_export_keeps_to_the_lists_search(editor, reference, make_initiative):
    make_initiative("Clinics by radio", status=Status.IN_REVIEW)
    make_initiative("Seeds for the Sahel", status=Status.IN_REVIEW)

    content = export(editor, "?q=radio").content.decode("utf-8-sig")

    assert "Clinics by radio" in content and "Seeds for the Sahel" not in content


def test_export_needs_a_permission_to_see_the_list(staff_client):
    client = staff_client("view_event")

    assert client.get(reverse(EXPORT)).status_code == 403
    assert client.post(reverse(EXPORT), {"format": "0"}).status_code == 403


def test_a_file_with_more_rows_than_one_import_takes_is_refused_whole(editor, reference, settings):
    settings.PORTAL_IMPORT_MAX_ROWS = 1

    response = upload(editor, csv_file(HEADER + GOOD_ROWS))

    assert "The file has 2 rows: import at most 1 at a time." in page_text(response)
    assert "process_import" not in response.content.decode()


def test_an_editors_import_cannot_publish_and_is_recorded_in_history(role_client, reference, sdgs):
    from reversion.models import Version

    member = role_client("Editors")
    preview = upload(member, csv_file(HEADER + GOOD_ROWS))  # its status column says "published"

    assert confirm(member, preview).status_code == 302

    imported = Initiative.objects.order_by("slug")
    assert [record.status for record in imported] == [Status.IN_REVIEW, Status.IN_REVIEW]
    assert not imported.filter(published_at__isnull=False).exists()
    for record in imported:
        (version,) = Version.objects.get_for_object(record)
        assert version.revision.user == member.user
        assert version.revision.comment == "Imported from a spreadsheet."


@pytest.mark.parametrize(
    "name", ["0" * 32, "../../../etc/passwd", "django-import-export/../x", "A" * 32, ""]
)
def test_a_confirmation_naming_a_file_the_preview_did_not_store_asks_for_the_file_again(
    editor, reference, name
):
    preview = upload(editor, csv_file(HEADER + GOOD_ROWS))
    fields = {**spreadsheet_confirm_form(preview.content.decode()), "import_file_name": name}

    response = editor.post(reverse("admin:initiatives_initiative_process_import"), fields)

    assert response.status_code == 302
    assert response["Location"] == reverse(IMPORT)
    assert not Initiative.objects.exists()


def test_the_file_waits_in_the_shared_media_storage_until_confirmed(editor, reference):
    """Every app server reads the media storage: the confirmation may reach another server."""
    from django.core.files.storage import default_storage

    preview = upload(editor, csv_file(HEADER + GOOD_ROWS))
    name = spreadsheet_confirm_form(preview.content.decode())["import_file_name"]
    stored = f"django-import-export/{name}"
    assert default_storage.exists(stored)

    assert confirm(editor, preview).status_code == 302

    assert Initiative.objects.count() == 2
    assert not default_storage.exists(stored)


def test_a_spreadsheet_update_keeps_the_translations_it_does_not_carry(
    editor, reference, make_initiative
):
    """A file carries the English texts: updating a draft from one leaves the French and
    Chinese titles staff wrote in the change form as they were."""
    draft = make_initiative(
        "Old draft",
        slug="old-draft",
        status=Status.DRAFT,
        title_fr="Ancien brouillon",
        title_zh_hans="旧草稿",
    )
    text = (
        "slug,title,summary,modality,sources\nold-draft,New title,New.,regional,A source document\n"
    )

    done = confirm(editor, upload(editor, csv_file(text)))

    assert done.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.title_fr, draft.title_zh_hans) == (
        "New title",
        "Ancien brouillon",
        "旧草稿",
    )
