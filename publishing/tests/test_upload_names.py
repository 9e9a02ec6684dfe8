"""Upload names that try to reach the file system: NUL, line breaks, path separators, through
each upload field of the admin's add and change forms, sent as raw multipart bodies (the test
client would tidy the names up otherwise).

Django's MultiPartParser keeps only what follows the last / or \\ and drops characters that are
not printable (NUL, CR, LF and the like); a name left empty, "." or ".." drops the file itself.
The portal never stores a file under its uploaded name either (publishing.models.
generated_image_name, publications.models.generated_document_name). So such a name either
becomes an ordinary upload, stored under its generated name, or no upload at all: never a
server error, and never a file outside its folder.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, encode_multipart
from django.urls import reverse

from devtools.samples import image_bytes, pdf_bytes
from events.models import Event
from events.tests.test_admin import change_form as event_change_form
from events.tests.test_admin import event_form
from initiatives.models import Initiative
from initiatives.tests.admin_forms import case_study_form
from publications.models import Publication
from publications.tests.test_uploads import form_data as publication_form
from publishing.models import Status

PLACEHOLDER = "placeholder-name.bin"
# Sent as it is (the test client encodes a dict only for its own MULTIPART_CONTENT object).
RAW_MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"

# What goes after `form-data; name="..."; ` in the part's header, bytes as sent.
HOSTILE_NAMES = {
    "nul": b'filename="cover\x00.php.png"',
    "crlf": b'filename="cover\r\n.png"',
    "cr": b'filename="cover\r.png"',
    "lf": b'filename="cover\n.png"',
    "header-injection": b'filename="cover.png"\r\nContent-Type: text/html; x="',
    "parent-dirs": b'filename="../../../../tmp/evil.png"',
    "absolute": b'filename="/etc/cron.d/evil.png"',
    "backslashes": b'filename="..\\..\\windows\\evil.png"',
    "drive": b'filename="C:evil.png"',
    "only-a-slash": b'filename="/"',
    "dot-dot": b'filename=".."',
    "trailing-slash": b'filename="evil/"',
    "rfc2231-encoded": b"filename*=UTF-8''..%2F..%2Fevil%00%0D%0A.png",
    "html-entities": b'filename="..&#47;..&#47;evil.png"',
    "long": b'filename="' + b"a" * 300 + b'.png"',
}


def raw_multipart(data, field, name):
    """`data` as the multipart body a browser would send, the file in `field` named `name`."""
    body = encode_multipart(BOUNDARY, data)
    header = f'name="{field}"; filename="{PLACEHOLDER}"'.encode()
    assert body.count(header) == 1
    return body.replace(header, f'name="{field}"; '.encode() + name)


class Field:
    """One upload field of one admin form, with what it needs to be posted."""

    def __init__(self, model, field, content, add_data, make, change_data=None):
        self.model, self.field, self.content = model, field, content
        self.add_data, self.make = add_data, make
        self.change_data = change_data or (lambda record, source: add_data(source))

    @property
    def stored_pattern(self):
        app = self.model._meta.app_label
        if self.field == "document":
            return re.compile(rf"{app}/[a-z0-9-]+-[A-Za-z0-9_-]{{16}}\.pdf")
        return re.compile(rf"{app}/[a-z0-9-]+\.(png|img)")


FIELDS = {
    "case study image": Field(
        Initiative,
        "image",
        image_bytes(),
        lambda source: case_study_form(source, slug="upload-names", image_alt="A picture"),
        lambda factories, source: factories["make_initiative"](
            slug="upload-names", status=Status.DRAFT, sources=[source]
        ),
    ),
    "event image": Field(
        Event,
        "image",
        image_bytes(),
        lambda source: event_form(source, slug="upload-names", image_alt="A picture"),
        lambda factories, source: factories["make_event"](
            slug="upload-names", status=Status.DRAFT, sources=[source]
        ),
        lambda event, source: event_change_form(event, source, image_alt="A picture"),
    ),
    "publication cover": Field(
        Publication,
        "image",
        image_bytes(),
        lambda source: publication_form(
            source, slug="upload-names", document_note="Not shared by its publisher."
        ),
        lambda factories, source: factories["make_publication"](
            slug="upload-names", status=Status.DRAFT, sources=[source]
        ),
    ),
    "publication PDF": Field(
        Publication,
        "document",
        pdf_bytes(),
        lambda source: publication_form(source, slug="upload-names"),
        lambda factories, source: factories["make_publication"](
            slug="upload-names", status=Status.DRAFT, sources=[source]
        ),
    ),
}


def stored_files(settings):
    root = settings.MEDIA_ROOT
    if not root.exists():
        return []
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def assert_handled(response, field, record, settings):
    """A form error for the field, or the record saved with the file under its generated name
    (or, when the name left nothing of the upload, without it); nothing stored anywhere else."""
    assert response.status_code in {200, 302}, response.status_code
    if response.status_code == 200:
        # An error on the field, or, for a PDF whose name left nothing of it, the form asking
        # why the publication has no file.
        assert response.context["adminform"].form.errors, "no form error"
        assert stored_files(settings) == []
        return
    record.refresh_from_db()
    stored = getattr(record, field.field)
    files = stored_files(settings)
    if stored:
        assert field.stored_pattern.fullmatch(stored.name), stored.name
        assert files == [stored.name]
        with stored.open("rb") as handle:
            assert handle.read() == field.content
    else:
        assert files == []


@pytest.fixture
def factories(make_initiative, make_event, make_publication):
    return {
        "make_initiative": make_initiative,
        "make_event": make_event,
        "make_publication": make_publication,
    }


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
@pytest.mark.parametrize("which", FIELDS)
def test_a_hostile_name_on_the_add_form(admin_client, source, settings, which, name):
    field = FIELDS[which]
    data = field.add_data(source)
    data[field.field] = SimpleUploadedFile(PLACEHOLDER, field.content)
    url = reverse(f"admin:{field.model._meta.app_label}_{field.model._meta.model_name}_add")

    response = admin_client.post(
        url, raw_multipart(data, field.field, name), content_type=RAW_MULTIPART
    )

    record = field.model.objects.filter(slug="upload-names").first()
    if response.status_code == 302:
        assert record is not None
    assert_handled(response, field, record, settings)


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
@pytest.mark.parametrize("which", FIELDS)
def test_a_hostile_name_on_the_change_form(admin_client, source, settings, factories, which, name):
    field = FIELDS[which]
    record = field.make(factories, source)
    data = field.change_data(record, source)
    data[field.field] = SimpleUploadedFile(PLACEHOLDER, field.content)
    url = reverse(
        f"admin:{field.model._meta.app_label}_{field.model._meta.model_name}_change",
        args=[record.pk],
    )

    response = admin_client.post(
        url, raw_multipart(data, field.field, name), content_type=RAW_MULTIPART
    )

    assert_handled(response, field, record, settings)


def test_the_name_is_cleaned_before_the_form_sees_it(admin_client, source, settings):
    """What the cases above rest on: only the part of the name after the last separator arrives,
    without its NUL (here "photo.png"), and it is not what the file is stored under."""
    data = case_study_form(source, slug="upload-names", image_alt="A picture")
    data["image"] = SimpleUploadedFile(PLACEHOLDER, image_bytes())
    body = raw_multipart(data, "image", b'filename="..\\../dir/ph\x00oto.png"')

    response = admin_client.post(
        reverse("admin:initiatives_initiative_add"), body, content_type=RAW_MULTIPART
    )

    assert response.status_code == 302
    assert Initiative.objects.get().image.name == "initiatives/upload-names.png"
    assert stored_files(settings) == ["initiatives/upload-names.png"]


def test_a_line_break_cuts_the_name_and_what_is_left_gets_a_form_error(admin_client, source):
    """A raw line break ends the part's header line: the name is cut there ("phot", no
    extension), and the image field says which extensions it takes."""
    data = case_study_form(source, slug="upload-names", image_alt="A picture")
    data["image"] = SimpleUploadedFile(PLACEHOLDER, image_bytes())
    body = raw_multipart(data, "image", b'filename="phot\r\no.png"')

    response = admin_client.post(
        reverse("admin:initiatives_initiative_add"), body, content_type=RAW_MULTIPART
    )

    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors["image"]
    assert "File extension “” is not allowed" in error
    assert not Initiative.objects.exists()
