"""Uploading a case-study image through the admin: what is accepted, what is refused, and that a
refusal stores nothing."""

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from initiatives.models import Initiative
from publishing.models import Status

from .admin_forms import case_study_form

ADD = "admin:initiatives_initiative_add"

SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">'
    b'<script>alert("hello")</script><rect width="20" height="20" fill="teal"/></svg>'
)


def png(size=(12, 8), mode="RGB", noise=False):
    image = Image.new(mode, size, "white")
    if noise:
        generator = random.Random(size[0] * 100_000 + size[1])
        image.putdata(
            [tuple(generator.randrange(256) for _ in range(3)) for _ in range(size[0] * size[1])]
        )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def decompression_bomb():
    """A 20000 x 20000 PNG (400 million pixels) that compresses to a few tens of kilobytes."""
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def upload(content, name="holiday-photo.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def form_data(source, **fields):
    """The add form of a draft about Chile's food labels, its image described."""
    return case_study_form(
        source,
        **{
            "title": "Chilean food labelling in the Caribbean",
            "slug": "chile-food-labelling",
            "summary": "Chile shared its food labelling law.",
            "image_alt": "Front-of-pack warning labels",
            **fields,
        },
    )


def stored_files(settings):
    return sorted(
        path.relative_to(settings.MEDIA_ROOT).as_posix()
        for path in settings.MEDIA_ROOT.rglob("*")
        if path.is_file()
    )


def image_errors(response):
    assert response.status_code == 200, "the form should have been shown again"
    return response.context["adminform"].form.errors.get("image", [])


@pytest.fixture
def existing(make_initiative, source):
    """A saved case study with no image yet."""
    return make_initiative(
        "Chilean food labelling in the Caribbean",
        slug="chile-food-labelling",
        status=Status.DRAFT,
        sources=[source],
    )


def post_add(admin_client, source, image):
    return admin_client.post(reverse(ADD), form_data(source, image=image))


def post_change(admin_client, source, initiative, image):
    return admin_client.post(
        reverse("admin:initiatives_initiative_change", args=[initiative.pk]),
        form_data(source, title="A changed title", image=image),
    )


# --- Accepted --------------------------------------------------------------------------------


def test_a_real_png_is_stored_under_a_generated_name_with_its_size(admin_client, source, settings):
    response = post_add(admin_client, source, upload(png((12, 8)), name="My Holiday Photo.png"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    initiative = Initiative.objects.get(slug="chile-food-labelling")
    assert initiative.image.name == "initiatives/chile-food-labelling.png"
    assert "Holiday" not in initiative.image.name
    assert (initiative.image_width, initiative.image_height) == (12, 8)
    assert stored_files(settings) == ["initiatives/chile-food-labelling.png"]
    with Image.open(initiative.image.path) as stored:
        assert (stored.format, stored.size) == ("PNG", (12, 8))


def test_an_image_added_on_the_change_form_is_stored_and_measured(
    admin_client, source, existing, settings
):
    response = post_change(admin_client, source, existing, upload(png((30, 20)), name="x.PNG"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    existing.refresh_from_db()
    assert existing.image.name == "initiatives/chile-food-labelling.png"
    assert (existing.image_width, existing.image_height) == (30, 20)
    assert stored_files(settings) == ["initiatives/chile-food-labelling.png"]


def test_a_case_study_with_an_image_can_be_edited_without_uploading_it_again(
    admin_client, source, existing
):
    post_change(admin_client, source, existing, upload(png((30, 20))))
    existing.refresh_from_db()
    stored_name = existing.image.name

    response = admin_client.post(
        reverse("admin:initiatives_initiative_change", args=[existing.pk]),
        form_data(source, title="Edited again"),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    existing.refresh_from_db()
    assert existing.title == "Edited again"
    assert existing.image.name == stored_name
    assert (existing.image_width, existing.image_height) == (30, 20)


def test_the_name_of_the_upload_cannot_choose_where_the_file_goes(admin_client, source, settings):
    response = post_add(admin_client, source, upload(png(), name="../../evil.png"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert stored_files(settings) == ["initiatives/chile-food-labelling.png"]


# --- Refused ---------------------------------------------------------------------------------


REFUSED = {
    "text named photo.png": lambda: upload(b"This is not an image at all.\n", name="photo.png"),
    "svg": lambda: upload(SVG, name="drawing.svg", content_type="image/svg+xml"),
    "svg named .png": lambda: upload(SVG, name="drawing.png"),
    "truncated png": lambda: upload(png((40, 40), noise=True)[:200]),
}


@pytest.mark.parametrize("make_upload", REFUSED.values(), ids=REFUSED.keys())
def test_a_file_that_is_not_an_accepted_image_is_refused_on_the_add_form(
    admin_client, source, settings, make_upload
):
    response = post_add(admin_client, source, make_upload())

    assert image_errors(response)
    assert not Initiative.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize("make_upload", REFUSED.values(), ids=REFUSED.keys())
def test_a_file_that_is_not_an_accepted_image_is_refused_on_the_change_form(
    admin_client, source, existing, settings, make_upload
):
    response = post_change(admin_client, source, existing, make_upload())

    assert image_errors(response)
    existing.refresh_from_db()
    assert existing.title == "Chilean food labelling in the Caribbean"
    assert not existing.image
    assert stored_files(settings) == []


@pytest.mark.parametrize("name", ["picture.bmp", "picture.png"])
def test_an_image_in_another_format_than_jpeg_png_webp_or_gif_is_refused(
    admin_client, source, settings, name
):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "BMP")

    response = post_add(admin_client, source, upload(buffer.getvalue(), name=name))

    assert image_errors(response) == ["Upload a JPEG, PNG, WebP or GIF image."]
    assert not Initiative.objects.exists()
    assert stored_files(settings) == []


def test_an_image_with_too_many_pixels_is_refused(admin_client, source, settings):
    settings.PORTAL_IMAGE_MAX_PIXELS = 100

    response = post_add(admin_client, source, upload(png((20, 20))))

    assert image_errors(response) == ["The image is 20 × 20 pixels, which is too large."]
    assert not Initiative.objects.exists()
    assert stored_files(settings) == []


def test_an_image_with_too_many_pixels_leaves_an_existing_case_study_unchanged(
    admin_client, source, existing, settings
):
    settings.PORTAL_IMAGE_MAX_PIXELS = 100

    response = post_change(admin_client, source, existing, upload(png((20, 20))))

    assert image_errors(response)
    existing.refresh_from_db()
    assert existing.title == "Chilean food labelling in the Caribbean"
    assert not existing.image
    assert existing.image_width is None
    assert stored_files(settings) == []


def test_an_image_of_too_many_bytes_is_refused(admin_client, source, settings):
    content = png((40, 40), noise=True)
    settings.PORTAL_IMAGE_MAX_BYTES = len(content) - 1

    response = post_add(admin_client, source, upload(content))

    assert len(image_errors(response)) == 1
    assert image_errors(response)[0].startswith("The image is ")
    assert "the largest allowed is" in image_errors(response)[0]
    assert not Initiative.objects.exists()
    assert stored_files(settings) == []


def test_an_image_exactly_at_the_byte_limit_is_accepted(admin_client, source, settings):
    content = png((40, 40), noise=True)
    settings.PORTAL_IMAGE_MAX_BYTES = len(content)

    response = post_add(admin_client, source, upload(content))

    assert response.status_code == 302
    assert Initiative.objects.get().image_width == 40


def test_an_image_of_too_many_bytes_leaves_an_existing_case_study_unchanged(
    admin_client, source, existing, settings
):
    settings.PORTAL_IMAGE_MAX_BYTES = 50

    response = post_change(admin_client, source, existing, upload(png((40, 40), noise=True)))

    assert image_errors(response)
    existing.refresh_from_db()
    assert not existing.image
    assert stored_files(settings) == []


def test_a_decompression_bomb_is_refused_without_a_server_error(
    admin_client, source, settings, decompression_bomb
):
    assert len(decompression_bomb) < 1024 * 1024  # small on the wire, huge once decoded

    response = post_add(admin_client, source, upload(decompression_bomb, name="bomb.png"))

    assert image_errors(response)
    assert not Initiative.objects.exists()
    assert stored_files(settings) == []


def test_a_decompression_bomb_is_refused_on_the_change_form(
    admin_client, source, existing, settings, decompression_bomb
):
    response = post_change(admin_client, source, existing, upload(decompression_bomb))

    assert image_errors(response)
    existing.refresh_from_db()
    assert not existing.image
    assert stored_files(settings) == []
