"""A registrant is written to in the language they registered in: the e-mail's subject, words,
dates and links, and its calendar file, whatever language is active when it is sent."""

import datetime
import zoneinfo

import pytest
from django.utils import translation

from devtools.samples import form_data
from events.emails import build_message
from events.models import Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(make_event):
    zone = zoneinfo.ZoneInfo("America/Bogota")
    return make_event(
        "Foro de cooperación",
        starts_at=datetime.datetime(2030, 11, 5, 9, 0, tzinfo=zone),
        time_zone="America/Bogota",
        registration_enabled=True,
        capacity=50,
    )


def register(client, capture, event, prefix, **fields):
    with capture(execute=True):
        return client.post(f"{prefix}/events/{event.slug}/register/", form_data(**fields))


def test_a_registrant_who_used_the_spanish_pages_gets_spanish_e_mails(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    response = register(client, django_capture_on_commit_callbacks, event, "/es")

    assert response.status_code == 303
    registration = Registration.objects.get()
    assert registration.language == "es"
    (message,) = mailoutbox
    assert message.subject.startswith("Confirme")
    assert "5 de noviembre de 2030" in message.body
    assert "hora de Bogotá" in message.body
    assert "/es/events/registration/confirm/" in message.body
    assert "Please confirm" not in message.body
    calendar = message.attachments[0][1]
    calendar = calendar.decode() if isinstance(calendar, bytes) else calendar
    assert f"/es/events/{event.slug}/" in calendar.replace("\r\n ", "")  # its link, in Spanish


def test_the_language_holds_when_the_e_mail_is_built_in_another(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    register(client, django_capture_on_commit_callbacks, event, "/ru")
    registration = Registration.objects.get()

    with translation.override("en"):
        message = build_message(registration, "confirmed")

    assert registration.language == "ru"
    assert "5 ноября 2030\u202fг." in message.body
    assert "Your place" not in message.subject


def test_an_english_registration_stays_english(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    register(client, django_capture_on_commit_callbacks, event, "")

    assert Registration.objects.get().language == "en"
    assert mailoutbox[0].subject.startswith("Please confirm your registration")
    assert "5 November 2030" in mailoutbox[0].body


def test_registering_again_in_another_language_writes_in_that_one_from_then_on(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    register(client, django_capture_on_commit_callbacks, event, "")
    register(client, django_capture_on_commit_callbacks, event, "/fr")

    assert Registration.objects.get().language == "fr"
    assert len(mailoutbox) == 2
    assert "novembre 2030" in mailoutbox[1].body


def test_the_e_mail_and_calendar_give_the_event_s_title_in_the_registrant_s_language(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    event.title = "Cooperation forum"
    event.title_es = "Foro de cooperación Sur-Sur"
    event.title_ru = "Форум сотрудничества Юг-Юг"
    event.save()

    register(client, django_capture_on_commit_callbacks, event, "/es")
    register(client, django_capture_on_commit_callbacks, event, "/fr", email="fr@example.org")

    spanish, french = mailoutbox
    assert "Foro de cooperación Sur-Sur" in spanish.subject
    assert "Foro de cooperación Sur-Sur" in spanish.body
    assert "Foro de cooperación Sur-Sur" in spanish.alternatives[0][0]
    calendar = spanish.attachments[0][1]
    calendar = calendar.decode() if isinstance(calendar, bytes) else calendar
    assert "SUMMARY:Foro de cooperación Sur-Sur" in calendar.replace("\r\n ", "")
    # No French title: the English one, never an empty field.
    assert "Cooperation forum" in french.subject
    assert "Cooperation forum" in french.body
