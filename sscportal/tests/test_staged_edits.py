"""Changes to published records wait for a publisher: saved from the admin's own change form as
a pending revision the public does not see, previewed, approved or discarded (publishing/
staging.py), for case studies, events and publications."""

import re
from contextlib import contextmanager
from html import unescape
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.choice_cache import VERSION_KEY
from core.signals import content_changed
from devtools.html_forms import as_post_data, form_fields
from devtools.samples import image_bytes
from initiatives.models import CountryRole, Initiative
from publishing import search
from publishing.models import PendingRevision, Status, StepKind, Transition

CHANGE = "admin:initiatives_initiative_change"
PENDING = "admin:initiatives_initiative_pending"
PREVIEW = "admin:initiatives_initiative_pending_preview"


def change_form(client, url, form_id):
    page = client.get(url)
    assert page.status_code == 200
    return page, as_post_data(form_fields(page.content.decode(), form_id=form_id))


def country_rows(data):
    """{country id: row index} of the country rows the change form shows."""
    total = int(data["country_roles-TOTAL_FORMS"])
    return {
        data[f"country_roles-{index}-country"]: index
        for index in range(total)
        if data.get(f"country_roles-{index}-country")
    }


@contextmanager
def signals_sent():
    """The senders of the `content_changed` signals sent within."""
    senders = []

    def heard(sender, **kwargs):
        senders.append(sender)

    content_changed.connect(heard, weak=False, dispatch_uid="test-staged-edits")
    try:
        yield senders
    finally:
        content_changed.disconnect(dispatch_uid="test-staged-edits")


def steps_of(record):
    return list(
        Transition.objects.filter(
            content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
        )
        .order_by("created_at", "pk")
        .values_list("kind", "comment")
    )


@pytest.fixture
def live_case_study(make_initiative, countries, make_theme, source):
    health, climate = make_theme("Health"), make_theme("Climate")
    initiative = make_initiative(
        "Rice farming across the Atlantic",
        summary="Brazilian experts trained farmers in Mali.",
        countries={
            countries["kenya"]: CountryRole.PROVIDER,
            countries["mali"]: CountryRole.BENEFICIARY,
        },
        themes=[health],
        sources=[source],
    )
    return initiative, {"health": health, "climate": climate}


@pytest.fixture
def editors_change(role_client, live_case_study, countries):
    """The editor's client, once they saved their change of the live case study."""
    return save_editors_change(role_client, live_case_study, countries)


def save_editors_change(role_client, live_case_study, countries):
    """An editor's change of the live case study: title, summary, a country added, a role
    changed, one removed, and the theme; saved from the change form. Returns the client."""
    initiative, themes = live_case_study
    editor = role_client("Editors", first_name="Ada", last_name="Editor")
    url = reverse(CHANGE, args=[initiative.pk])
    _page, data = change_form(editor, url, "initiative_form")
    rows = country_rows(data)
    kenya, mali = rows[str(countries["kenya"].pk)], rows[str(countries["mali"].pk)]
    new = int(data["country_roles-TOTAL_FORMS"]) - 1  # the empty extra row
    data.update(
        {
            "title": "Rice and cassava farming across the Atlantic",
            "summary": "Experts from Brazil and Chile trained farmers in Mali.",
            f"country_roles-{kenya}-DELETE": "on",
            f"country_roles-{mali}-role": CountryRole.FACILITATOR,
            f"country_roles-{new}-country": str(countries["chile"].pk),
            f"country_roles-{new}-role": CountryRole.PROVIDER,
            "themes": [str(themes["climate"].pk)],
            "workflow_comment": "Chile joined in 2024.",
        }
    )
    response = editor.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return editor


def shows_old_version(html):
    assert "Rice farming across the Atlantic" in html
    assert "Brazilian experts trained farmers in Mali." in html
    assert "Kenya" in html
    assert "Chile" not in html
    assert "Climate" not in html
    assert "cassava" not in html


def shows_new_version(html):
    assert "Rice and cassava farming across the Atlantic" in html
    assert "Experts from Brazil and Chile trained farmers in Mali." in html
    assert "Chile" in html
    assert "Kenya" not in html
    assert "Climate" in html
    assert "Health" not in html


def record_state(initiative):
    initiative = Initiative.objects.get(pk=initiative.pk)
    return (
        initiative.title,
        initiative.summary,
        initiative.updated_at,
        sorted(initiative.country_roles.values_list("country__iso2", "role")),
        sorted(initiative.themes.values_list("name", flat=True)),
    )


# --- Saving a change to a live case study -----------------------------------------------------


def test_an_editors_change_to_a_live_case_study_waits_and_the_public_sees_the_old_one(
    live_case_study, role_client, countries, client, settings
):
    initiative, _themes = live_case_study
    settings.PAGE_CACHE_SECONDS = 300
    public_url = initiative.get_absolute_url()
    first = client.get(public_url)
    before = record_state(initiative)

    editor = save_editors_change(role_client, live_case_study, countries)

    assert record_state(initiative) == before
    revision = PendingRevision.objects.get()
    assert revision.author == editor.user
    assert revision.comment == "Chile joined in 2024."
    assert revision.based_on == before[2]
    assert "csrfmiddlewaretoken" not in revision.data
    for answer in (first, client.get(public_url)):
        assert answer.status_code == 200
        shows_old_version(answer.content.decode())
    assert client.get(public_url)["X-Page-Cache"] == "hit"
    assert steps_of(initiative) == []


def test_the_change_form_shows_the_pending_values_with_a_notice(live_case_study, editors_change):
    initiative, themes = live_case_study

    page = editors_change.get(reverse(CHANGE, args=[initiative.pk]))

    html = page.content.decode()
    assert "This form shows changes not yet public, saved by Ada Editor" in html
    fields = as_post_data(form_fields(html, form_id="initiative_form"))
    assert fields["title"] == "Rice and cassava farming across the Atlantic"
    assert fields["themes"] == str(themes["climate"].pk)
    assert fields["workflow_comment"] == "Chile joined in 2024."
    assert not page.context["errors"]


def test_saving_again_replaces_the_pending_revision(live_case_study, editors_change):
    initiative, _themes = live_case_study
    url = reverse(CHANGE, args=[initiative.pk])
    _page, data = change_form(editors_change, url, "initiative_form")

    response = editors_change.post(url, {**data, "title": "A third title"})

    assert response.status_code == 302
    revision = PendingRevision.objects.get()
    assert revision.data["title"] == ["A third title"]
    # The rest of the first revision was in the form, and so in the second.
    assert revision.data["summary"] == ["Experts from Brazil and Chile trained farmers in Mali."]
    assert Initiative.objects.get().title == "Rice farming across the Atlantic"


# --- Preview --------------------------------------------------------------------------------


def test_the_preview_shows_the_new_version_with_a_banner_and_nothing_escapes(
    live_case_study, editors_change, client, settings
):
    initiative, _themes = live_case_study
    settings.PAGE_CACHE_SECONDS = 300
    public_url = initiative.get_absolute_url()
    client.get(public_url)  # cached
    version = cache.get(VERSION_KEY)
    before = record_state(initiative)
    with signals_sent() as signals:
        preview = editors_change.get(reverse(PREVIEW, args=[initiative.pk]))

    assert preview.status_code == 200
    html = preview.content.decode()
    shows_new_version(html)
    assert "Pending changes, not public: submitted by Ada Editor on" in html
    assert "no-cache" in preview["Cache-Control"]
    assert signals == []
    assert cache.get(VERSION_KEY) == version
    assert record_state(initiative) == before
    cached = client.get(public_url)
    assert cached["X-Page-Cache"] == "hit"
    shows_old_version(cached.content.decode())
    search_text = Initiative.objects.get().search_text
    assert "Kenya" in search_text and "Chile" not in search_text


def test_a_visitor_cannot_open_the_preview(live_case_study, editors_change, client):
    initiative, _themes = live_case_study

    response = client.get(reverse(PREVIEW, args=[initiative.pk]))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- Approving ------------------------------------------------------------------------------


def test_a_publisher_approves_and_the_public_sees_the_new_version_whole(
    live_case_study, editors_change, role_client, client, settings
):
    initiative, _themes = live_case_study
    settings.PAGE_CACHE_SECONDS = 300
    public_url = initiative.get_absolute_url()
    shows_old_version(client.get(public_url).content.decode())
    publisher = role_client("Publishers")
    review = publisher.get(reverse(PENDING, args=[initiative.pk]))
    assert review.status_code == 200
    assert "Saved by Ada Editor" in review.content.decode()
    with signals_sent() as signals:
        response = publisher.post(
            reverse(PENDING, args=[initiative.pk]),
            {"comment": "Checked with the team.", "_approve": "Approve"},
        )

    assert response.status_code == 302
    assert len(signals) == 1
    title, summary, _updated, countries, themes = record_state(initiative)
    assert title == "Rice and cassava farming across the Atlantic"
    assert summary == "Experts from Brazil and Chile trained farmers in Mali."
    assert countries == [("CL", CountryRole.PROVIDER), ("ML", CountryRole.FACILITATOR)]
    assert themes == ["Climate"]
    assert not PendingRevision.objects.exists()
    assert steps_of(initiative) == [(StepKind.CHANGES_APPROVED, "Checked with the team.")]
    page = client.get(public_url)
    assert page["X-Page-Cache"] == "miss"
    shows_new_version(page.content.decode())
    search_text = Initiative.objects.get().search_text
    assert "Chile" in search_text and "Kenya" not in search_text
    assert Initiative.objects.get().status == Status.PUBLISHED


def test_the_approval_page_shows_what_approving_changes_and_changes_nothing(
    live_case_study, editors_change, role_client
):
    initiative, _themes = live_case_study
    before = record_state(initiative)
    publisher = role_client("Publishers")

    with signals_sent() as signals:
        review = publisher.get(reverse(PENDING, args=[initiative.pk]))

    assert review.status_code == 200
    table = re.search(
        r'<table class="history-changes">.*?</table>', review.content.decode(), re.S
    ).group(0)
    rows = {
        unescape(re.sub(r"<[^>]+>|\s+", " ", label)).strip(): unescape(
            re.sub(r"<[^>]+>", " ", cells)
        )
        for label, cells in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table, re.S)
    }
    assert set(rows) == {"Title", "Summary", "Themes", "Countries and roles"}
    assert "Rice farming across the Atlantic" in rows["Title"]
    assert "cassava" in rows["Title"]
    countries = " ".join(rows["Countries and roles"].split())
    assert "removed: Kenya (Provider)" in countries
    assert "added: Chile (Provider)" in countries
    assert "added: Mali (Facilitator)" in countries
    assert "Climate" in rows["Themes"]
    assert record_state(initiative) == before  # shown, not applied
    assert PendingRevision.objects.exists()
    assert signals == []


def test_approving_needs_a_comment(live_case_study, editors_change, role_client):
    initiative, _themes = live_case_study
    before = record_state(initiative)

    response = role_client("Publishers").post(
        reverse(PENDING, args=[initiative.pk]), {"comment": "", "_approve": "Approve"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["comment"]
    assert record_state(initiative) == before
    assert PendingRevision.objects.exists()


def test_an_editors_hand_made_approve_or_discard_is_refused(live_case_study, editors_change):
    initiative, _themes = live_case_study
    before = record_state(initiative)
    url = reverse(PENDING, args=[initiative.pk])

    for button in ("_approve", "_discard"):
        response = editors_change.post(url, {"comment": "Mine.", button: "x"})
        assert response.status_code == 403

    assert editors_change.get(url).status_code == 403
    assert record_state(initiative) == before
    assert PendingRevision.objects.exists()
    assert steps_of(initiative) == []


def test_the_editors_change_form_offers_no_approval(live_case_study, editors_change):
    initiative, _themes = live_case_study

    html = editors_change.get(reverse(CHANGE, args=[initiative.pk])).content.decode()

    assert f'href="{reverse(PENDING, args=[initiative.pk])}"' not in html
    assert "Save and publish now" not in html


def test_approval_over_a_record_changed_since_asks_to_confirm(
    live_case_study, editors_change, role_client
):
    initiative, _themes = live_case_study
    publisher = role_client("Publishers")
    # Meanwhile the live record changes (here: a publisher's list step sets updated_at).
    Initiative.objects.filter(pk=initiative.pk).update(summary="Changed meanwhile.")
    Initiative.objects.get(pk=initiative.pk).save()
    url = reverse(PENDING, args=[initiative.pk])

    asked = publisher.post(url, {"comment": "Go.", "_approve": "Approve"})

    assert asked.status_code == 200
    html = asked.content.decode()
    assert "The live record was changed on" in html
    assert 'name="overwrite"' in html
    assert Initiative.objects.get().summary == "Changed meanwhile."
    assert PendingRevision.objects.exists()

    confirmed = publisher.post(url, {"comment": "Go.", "_approve": "Approve", "overwrite": "on"})

    assert confirmed.status_code == 302
    assert Initiative.objects.get().summary == (
        "Experts from Brazil and Chile trained farmers in Mali."
    )


def test_a_revision_that_no_longer_fits_says_why_and_changes_nothing(
    live_case_study, editors_change, role_client, countries
):
    initiative, _themes = live_case_study
    before = record_state(initiative)
    countries["chile"].delete()  # the country the revision adds
    publisher = role_client("Publishers")

    approve = publisher.post(
        reverse(PENDING, args=[initiative.pk]), {"comment": "Go.", "_approve": "Approve"}
    )
    preview = publisher.get(reverse(PREVIEW, args=[initiative.pk]), follow=True)
    form = publisher.get(reverse(CHANGE, args=[initiative.pk]))

    assert approve.status_code == 200
    html = approve.content.decode()
    assert "These changes can no longer be applied as they are" in html
    assert "Select a valid choice" in html
    assert record_state(initiative)[:2] == before[:2]
    assert record_state(initiative)[3:] == before[3:]
    assert PendingRevision.objects.exists()
    assert preview.status_code == 200
    assert "can no longer be applied" in preview.content.decode()
    assert form.status_code == 200
    assert form.context["errors"]


# --- Discarding, publishing now ---------------------------------------------------------------


def test_discarding_leaves_the_live_record_untouched(
    live_case_study, editors_change, role_client, client
):
    initiative, _themes = live_case_study
    before = record_state(initiative)

    response = role_client("Publishers").post(
        reverse(PENDING, args=[initiative.pk]), {"comment": "Not sourced.", "_discard": "x"}
    )

    assert response.status_code == 302
    assert record_state(initiative) == before
    assert not PendingRevision.objects.exists()
    assert steps_of(initiative) == [(StepKind.CHANGES_DISCARDED, "Not sourced.")]
    shows_old_version(client.get(initiative.get_absolute_url()).content.decode())
    page = role_client("Editors").get(reverse(CHANGE, args=[initiative.pk]))
    fields = dict(form_fields(page.content.decode(), form_id="initiative_form"))
    assert fields["title"] == "Rice farming across the Atlantic"


def test_a_publishers_plain_save_waits_too(live_case_study, role_client):
    initiative, _themes = live_case_study
    publisher = role_client("Publishers")
    url = reverse(CHANGE, args=[initiative.pk])
    _page, data = change_form(publisher, url, "initiative_form")

    response = publisher.post(url, {**data, "title": "Publisher's title"})

    assert response.status_code == 302
    assert Initiative.objects.get().title == "Rice farming across the Atlantic"
    assert PendingRevision.objects.get().data["title"] == ["Publisher's title"]


def test_a_publisher_may_save_and_publish_now_which_is_recorded(
    live_case_study, editors_change, role_client, client
):
    initiative, _themes = live_case_study
    publisher = role_client("Publishers")
    url = reverse(CHANGE, args=[initiative.pk])
    page, data = change_form(publisher, url, "initiative_form")
    assert "Save and publish now" in page.content.decode()
    # The form shows the editor's pending values, and the publisher's status and date.
    assert data["title"] == "Rice and cassava farming across the Atlantic"
    assert data["status"] == Status.PUBLISHED

    response = publisher.post(
        url, {**data, "_publish_now": "Save and publish now", "workflow_comment": "Urgent."}
    )

    assert response.status_code == 302
    shows_new_version(client.get(initiative.get_absolute_url()).content.decode())
    assert not PendingRevision.objects.exists()
    assert steps_of(initiative) == [(StepKind.PUBLISHED_NOW, "Urgent.")]


def test_an_editor_posting_publish_now_by_hand_still_waits(live_case_study, role_client):
    initiative, _themes = live_case_study
    editor = role_client("Editors")
    url = reverse(CHANGE, args=[initiative.pk])
    _page, data = change_form(editor, url, "initiative_form")

    editor.post(url, {**data, "title": "Sneaked", "_publish_now": "x"})

    assert Initiative.objects.get().title == "Rice farming across the Atlantic"
    assert PendingRevision.objects.get().data["title"] == ["Sneaked"]


def test_a_draft_is_still_saved_at_once(make_initiative, role_client, source):
    draft = make_initiative("Draft title", status=Status.DRAFT, sources=[source])
    editor = role_client("Editors")
    url = reverse(CHANGE, args=[draft.pk])
    _page, data = change_form(editor, url, "initiative_form")

    editor.post(url, {**data, "title": "New draft title"})

    assert Initiative.objects.get().title == "New draft title"
    assert not PendingRevision.objects.exists()


# --- The publishers' queue --------------------------------------------------------------------


def test_the_queue_lists_changes_to_live_pages(live_case_study, editors_change, role_client):
    initiative, _themes = live_case_study

    page = role_client("Publishers").get(reverse("admin:publishing_awaitingreview_changelist"))

    html = page.content.decode()
    assert "Changes to a live page" in html
    assert "Rice farming across the Atlantic" in html
    assert reverse(PENDING, args=[initiative.pk]) in html
    assert reverse(PREVIEW, args=[initiative.pk]) in html
    assert "Chile joined in 2024." in html


# --- Events and publications --------------------------------------------------------------------

OTHER_TYPES = {
    "event": ("make_event", "events", {"time_zone": "America/New_York"}),
    "publication": ("make_publication", "publications", {}),
}


@pytest.fixture(params=list(OTHER_TYPES))
def live_record(request, make_theme, source):
    factory_name, app_label, fields = OTHER_TYPES[request.param]
    factory = request.getfixturevalue(factory_name)
    health, climate = make_theme("Health"), make_theme("Climate")
    record = factory(
        "The old title",
        summary="The old summary.",
        themes=[health],
        sources=[source],
        **fields,
    )
    name = request.param
    return {
        "record": record,
        "climate": climate,
        "form_id": f"{name}_form",
        "change": reverse(f"admin:{app_label}_{name}_change", args=[record.pk]),
        "pending": reverse(f"admin:{app_label}_{name}_pending", args=[record.pk]),
        "preview": reverse(f"admin:{app_label}_{name}_pending_preview", args=[record.pk]),
    }


def state_of(record):
    record = type(record)._base_manager.get(pk=record.pk)
    themes = sorted(record.themes.values_list("name", flat=True))
    starts_at = getattr(record, "starts_at", None)
    return record.title, record.summary, themes, starts_at


def test_an_events_or_publications_change_waits_for_approval_then_goes_live_whole(
    live_record, role_client, client, settings
):
    settings.PAGE_CACHE_SECONDS = 300
    record = live_record["record"]
    public_url = record.get_absolute_url()
    before = state_of(record)
    editor = role_client("Editors")
    _page, data = change_form(editor, live_record["change"], live_record["form_id"])
    data.update(
        title="The new title",
        summary="The new summary.",
        themes=[str(live_record["climate"].pk)],
    )

    saved = editor.post(live_record["change"], data)

    assert saved.status_code == 302, saved.context["adminform"].form.errors
    assert state_of(record) == before
    old = client.get(public_url).content.decode()
    assert "The old title" in old and "Climate" not in old and "Health" in old
    preview = editor.get(live_record["preview"])
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Pending changes, not public" in html
    assert "The new title" in html and "Climate" in html and "Health" not in html
    assert client.get(public_url)["X-Page-Cache"] == "hit"

    approved = role_client("Publishers").post(
        live_record["pending"], {"comment": "Fine.", "_approve": "Approve"}
    )

    assert approved.status_code == 302
    # The event's times, read in its own time zone, are as they were.
    assert state_of(record) == ("The new title", "The new summary.", ["Climate"], before[3])
    new = client.get(public_url).content.decode()
    assert "The new title" in new and "The new summary." in new
    assert "Climate" in new and "Health" not in new


def test_discarding_an_events_or_publications_change_leaves_it_untouched(live_record, role_client):
    record = live_record["record"]
    before = state_of(record)
    editor = role_client("Editors")
    _page, data = change_form(editor, live_record["change"], live_record["form_id"])
    editor.post(live_record["change"], {**data, "title": "The new title"})

    discarded = role_client("Publishers").post(
        live_record["pending"], {"comment": "No.", "_discard": "Discard"}
    )

    assert discarded.status_code == 302
    assert state_of(record) == before
    assert not PendingRevision.objects.exists()


# --- Uploads ------------------------------------------------------------------------------------


def test_an_image_uploaded_to_a_live_case_study_waits_in_storage_until_approved(
    live_case_study, role_client, settings, django_capture_on_commit_callbacks
):
    initiative, _themes = live_case_study
    editor = role_client("Editors")
    url = reverse(CHANGE, args=[initiative.pk])
    _page, data = change_form(editor, url, "initiative_form")
    image = SimpleUploadedFile("holiday.png", image_bytes(), content_type="image/png")

    saved = editor.post(url, {**data, "image": image, "image_alt": "Farmers in a field"})

    assert saved.status_code == 302
    assert not Initiative.objects.get().image
    waiting = PendingRevision.objects.get().files["image"][0]
    assert waiting["path"].startswith("pending/")
    assert (Path(settings.MEDIA_ROOT) / waiting["path"]).exists()
    notice = editor.get(url).content.decode()
    assert "New file waiting: holiday.png." in notice

    with django_capture_on_commit_callbacks(execute=True):
        approved = role_client("Publishers").post(
            reverse(PENDING, args=[initiative.pk]), {"comment": "Nice.", "_approve": "Approve"}
        )

    assert approved.status_code == 302
    initiative = Initiative.objects.get()
    assert initiative.image.name == f"initiatives/{initiative.slug}.png"
    assert (initiative.image_width, initiative.image_height) == (12, 8)
    assert initiative.image_alt == "Farmers in a field"
    assert not (Path(settings.MEDIA_ROOT) / waiting["path"]).exists()


def test_the_record_history_says_what_became_of_the_changes(
    live_case_study, editors_change, role_client
):
    initiative, _themes = live_case_study
    publisher = role_client("Publishers")
    publisher.post(reverse(PENDING, args=[initiative.pk]), {"comment": "No.", "_discard": "x"})

    html = publisher.get(reverse(CHANGE, args=[initiative.pk])).content.decode()

    assert "<strong>Pending changes discarded</strong>" in html
    assert "“No.”" in html


def test_a_revision_saved_again_keeps_the_live_version_it_started_from(
    live_case_study, editors_change, role_client
):
    initiative, _themes = live_case_study
    based_on = PendingRevision.objects.get().based_on
    Initiative.objects.get(pk=initiative.pk).save()  # the live record changes meanwhile
    url = reverse(CHANGE, args=[initiative.pk])
    _page, data = change_form(editors_change, url, "initiative_form")

    editors_change.post(url, {**data, "title": "A third title"})

    assert PendingRevision.objects.get().based_on == based_on
    asked = role_client("Publishers").post(
        reverse(PENDING, args=[initiative.pk]), {"comment": "Go.", "_approve": "Approve"}
    )
    assert asked.status_code == 200
    assert "The live record was changed on" in asked.content.decode()


def test_deleting_a_record_drops_its_pending_revision(live_case_study, editors_change, role_client):
    initiative, _themes = live_case_study

    Initiative.objects.get(pk=initiative.pk).delete()

    assert not PendingRevision.objects.exists()
    page = role_client("Publishers").get(reverse("admin:publishing_awaitingreview_changelist"))
    assert "Changes to a live page" not in page.content.decode()


def test_approval_refreshes_the_search_index_once(
    live_case_study, editors_change, role_client, monkeypatch
):
    initiative, _themes = live_case_study
    refreshed = []
    refresh = search.refresh_search_index

    def counted(queryset, **kwargs):
        refreshed.append(sorted(queryset.values_list("pk", flat=True)))
        return refresh(queryset, **kwargs)

    monkeypatch.setattr(search, "refresh_search_index", counted)

    role_client("Publishers").post(
        reverse(PENDING, args=[initiative.pk]), {"comment": "Go.", "_approve": "Approve"}
    )

    assert refreshed == [[initiative.pk]]
