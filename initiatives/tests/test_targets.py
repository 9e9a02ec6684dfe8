"""SDG targets on case studies: tagged in the admin (a target brings its goal), filtered by on the
list, and given by the API, the downloads, the spreadsheet import and the IATI file."""

import csv
import io
import json

import pytest
from django.urls import reverse
from lxml import etree

from initiatives.models import Initiative, OrganisationRole, ProjectStatus
from publishing.models import PendingRevision, Status
from taxonomy.models import Organisation

from .admin_forms import case_study_form
from .test_spreadsheets import confirm, csv_file, upload

CHANGE = "admin:initiatives_initiative_change"
ADD = "admin:initiatives_initiative_add"


def change_form_data(client, initiative):
    """The change form's page, and what it posts for the case study with its goals and targets
    as they are (and no country or organisation rows)."""
    page = client.get(reverse(CHANGE, args=[initiative.pk]))
    assert page.status_code == 200
    data = case_study_form(
        initiative.sources.first(),
        title=initiative.title,
        slug=initiative.slug,
        summary=initiative.summary,
        sdgs=[str(pk) for pk in initiative.sdgs.values_list("pk", flat=True)],
        targets=[str(pk) for pk in initiative.targets.values_list("pk", flat=True)],
    )
    return page, data


def goals_of(initiative):
    return sorted(initiative.sdgs.values_list("number", flat=True))


def codes_of(initiative):
    return list(initiative.targets.values_list("code", flat=True))


# --- Tagging in the admin ---------------------------------------------------------------------


def test_the_change_form_offers_the_targets_grouped_by_goal_and_opens_the_goals_in_use(
    admin_client, make_initiative, sdgs, sdg_targets, source
):
    initiative = make_initiative(sources=[source], targets=[sdg_targets["3.d"]])

    page, _data = change_form_data(admin_client, initiative)

    html = page.content.decode()
    targets = html[html.index('class="grouped-checkboxes"') :]
    targets = targets[: targets.index("</div>")]
    # One disclosure per goal that has targets, in the goals' order; the goal in use is open.
    assert targets.count("<details") == 3
    assert targets.index("Goal 2:") < targets.index("Goal 3:") < targets.index("Goal 16:")
    assert '<details class="checkbox-group" open><summary>Goal 3: Goal name 3' in targets
    # The code isolated left to right, for Arabic.
    assert "\u20663.d\u2069 — Strengthen the capacity for early warning" in targets
    assert f'value="{sdg_targets["3.d"].pk}" checked' in targets
    # In the fieldset with the goals; reference data, so no link to add a target.
    assert html.index('name="sdgs"') < html.index('name="targets"')
    assert 'id="add_id_sdgs"' in html and 'id="add_id_targets"' not in html


def test_targets_ticked_on_the_change_form_add_their_goals(
    admin_client, make_initiative, sdgs, sdg_targets, source
):
    initiative = make_initiative(status=Status.DRAFT, sources=[source], sdgs=[sdgs[16]])
    _page, data = change_form_data(admin_client, initiative)
    data["targets"] = [str(sdg_targets["2.3"].pk), str(sdg_targets["3.d"].pk)]

    response = admin_client.post(reverse(CHANGE, args=[initiative.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert codes_of(initiative) == ["2.3", "3.d"]
    assert goals_of(initiative) == [2, 3, 16]


def test_a_goal_unticked_while_its_target_stays_is_kept(
    admin_client, make_initiative, sdgs, sdg_targets, source
):
    initiative = make_initiative(
        status=Status.DRAFT, sources=[source], targets=[sdg_targets["3.3"]]
    )
    assert goals_of(initiative) == [3]
    _page, data = change_form_data(admin_client, initiative)
    data["sdgs"] = [str(sdgs[16].pk)]  # goal 3 unticked, target 3.3 still ticked

    response = admin_client.post(reverse(CHANGE, args=[initiative.pk]), data)

    assert response.status_code == 302
    assert goals_of(initiative) == [3, 16]


def test_a_new_case_study_gets_the_goals_of_its_targets(admin_client, sdgs, sdg_targets, source):
    data = case_study_form(source, targets=[str(sdg_targets["16.6"].pk)])

    response = admin_client.post(reverse(ADD), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    initiative = Initiative.objects.get(slug="brazil-rice-mali")
    assert codes_of(initiative) == ["16.6"]
    assert goals_of(initiative) == [16]


def test_an_unknown_target_is_a_form_error(admin_client, sdgs, sdg_targets, source):
    response = admin_client.post(reverse(ADD), case_study_form(source, targets=["999999"]))

    assert response.status_code == 200
    assert "targets" in response.context["adminform"].form.errors
    assert not Initiative.objects.exists()


def test_the_history_records_the_targets_and_the_goals_they_brought(
    admin_client, make_initiative, sdgs, sdg_targets, source
):
    initiative = make_initiative(status=Status.DRAFT, sources=[source])
    _page, data = change_form_data(admin_client, initiative)
    data["targets"] = [str(sdg_targets["3.d"].pk)]
    admin_client.post(reverse(CHANGE, args=[initiative.pk]), data)

    history_url = reverse("admin:initiatives_initiative_history", args=[initiative.pk])
    history = admin_client.get(history_url)

    assert history.status_code == 200
    text = history.content.decode()
    assert "SDG targets" in text and "3.d" in text
    assert "Goal 3: Goal name 3" in text


def test_a_target_added_to_a_live_case_study_waits_for_approval_then_brings_its_goal(
    make_initiative, role_client, sdgs, sdg_targets, source, countries
):
    initiative = make_initiative(sources=[source], sdgs=[sdgs[16]])
    editor = role_client("Editors")  # may not set the status: the case study stays published
    _page, data = change_form_data(editor, initiative)
    data["targets"] = [str(sdg_targets["2.3"].pk)]
    data["workflow_comment"] = "The source names small-scale farmers."

    response = editor.post(reverse(CHANGE, args=[initiative.pk]), data)

    assert response.status_code == 302
    assert PendingRevision.objects.count() == 1
    assert codes_of(initiative) == [] and goals_of(initiative) == [16]  # not yet
    publisher = role_client("Publishers")
    approved = publisher.post(
        reverse("admin:initiatives_initiative_pending", args=[initiative.pk]),
        {"comment": "Checked.", "_approve": "Approve"},
    )
    assert approved.status_code == 302
    assert codes_of(initiative) == ["2.3"]
    assert goals_of(initiative) == [2, 16]


# --- The spreadsheet import ---------------------------------------------------------------------


def test_an_imported_row_gets_its_targets_and_their_goals(
    staff_client, countries, sdgs, sdg_targets, source
):
    editor = staff_client("add_initiative", "change_initiative", "view_initiative")
    header = "title,summary,modality,sdgs,sdg targets,sources\n"
    row = 'Clinic radio,Health advice by radio.,bilateral,16,"3.d; target 2.3",A source document\n'

    preview = upload(editor, csv_file(header + row))
    assert preview.status_code == 200
    done = confirm(editor, preview)

    assert done.status_code == 302
    initiative = Initiative.objects.get(slug="clinic-radio")
    assert sorted(codes_of(initiative)) == ["2.3", "3.d"]
    assert goals_of(initiative) == [2, 3, 16]


def test_an_unknown_target_in_a_spreadsheet_is_a_row_error(
    staff_client, countries, sdgs, sdg_targets, source
):
    editor = staff_client("add_initiative", "change_initiative", "view_initiative")
    header = "title,summary,modality,sdg targets,sources\n"

    preview = upload(editor, csv_file(header + "Radio,By radio.,bilateral,3.z,A source document\n"))

    assert preview.status_code == 200
    assert "unknown SDG target “3.z”" in preview.content.decode()
    assert not Initiative.objects.exists()


# --- The list's filter --------------------------------------------------------------------------


@pytest.fixture
def tagged(make_initiative, sdgs, sdg_targets):
    """Two published case studies with target 3.d, one with 2.3, and a draft with 3.d."""
    return {
        "early warning": make_initiative("Early warning", targets=[sdg_targets["3.d"]]),
        "labs": make_initiative("Laboratories", targets=[sdg_targets["3.d"], sdg_targets["3.3"]]),
        "farms": make_initiative("Farms", targets=[sdg_targets["2.3"]]),
        "draft": make_initiative("Draft", status=Status.DRAFT, targets=[sdg_targets["3.d"]]),
    }


def test_the_list_filters_by_target_code(client, tagged):
    response = client.get("/initiatives/?target=3.d")

    assert response.status_code == 200
    assert sorted(i.title for i in response.context["object_list"]) == [
        "Early warning",
        "Laboratories",
    ]
    html = response.content.decode()
    assert (
        '<option value="3.d" selected>\u20663.d\u2069 — Strengthen the capacity for early warning'
        in html
    )
    # Grouped by goal, in the goals' order, then the targets' (3.3 before 3.d).
    assert html.index('<optgroup label="Goal 2:') < html.index('<optgroup label="Goal 3:')
    assert html.index('value="3.3"') < html.index('value="3.d"') < html.index('value="16.6"')


@pytest.mark.parametrize("code", ["9.9", "x", "3.d'--", "3" * 300])
def test_an_unknown_target_is_a_form_error_and_the_list_stays_whole(client, tagged, code):
    response = client.get("/initiatives/", {"target": code})

    assert response.status_code == 200
    assert "target" in response.context["filter"].form.errors
    assert len(response.context["object_list"]) == 3


# --- API, downloads, IATI -----------------------------------------------------------------------


def test_the_api_gives_target_codes_and_filters_by_them(client, tagged):
    response = client.get("/api/v1/case-studies/?target=3.d")

    assert response.status_code == 200
    results = response.json()["results"]
    by_title = {result["title"]: result for result in results}
    assert sorted(by_title) == ["Early warning", "Laboratories"]
    assert by_title["Laboratories"]["targets"] == ["3.3", "3.d"]
    assert [goal["number"] for goal in by_title["Laboratories"]["sdgs"]] == [3]
    assert client.get("/api/v1/case-studies/?target=99.9").status_code == 400


def test_the_download_has_an_sdg_targets_column(client, tagged):
    as_json = client.get("/initiatives/download.json?target=3.d")
    rows = json.loads(b"".join(as_json.streaming_content))
    assert {row["title"]: row["sdg_targets"] for row in rows} == {
        "Early warning": ["3.d"],
        "Laboratories": ["3.3", "3.d"],
    }
    as_csv = client.get("/initiatives/download.csv?target=3.3")
    text = b"".join(as_csv.streaming_content).decode().removeprefix("\ufeff")
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["sdg_targets"] == "3.3; 3.d"


def test_the_iati_file_tags_targets_under_vocabulary_3(
    client, make_initiative, make_organisation, sdgs, sdg_targets
):
    ministry = make_organisation("Ministry of Health", kind=Organisation.Kind.GOVERNMENT)
    make_initiative(
        "Laboratories",
        project_status=ProjectStatus.ONGOING,
        start_year=2020,
        organisations={ministry: OrganisationRole.IMPLEMENTING},
        sdgs=[sdgs[16]],
        targets=[sdg_targets["3.3"], sdg_targets["3.d"]],
    )

    response = client.get("/open-data/iati-activities.xml")

    body = b"".join(response.streaming_content) if response.streaming else response.content
    (activity,) = etree.fromstring(body).iterfind("iati-activity")
    tags = [(tag.get("vocabulary"), tag.get("code")) for tag in activity.iterfind("tag")]
    assert tags == [("2", "3"), ("2", "16"), ("3", "3.3"), ("3", "3.d")]
