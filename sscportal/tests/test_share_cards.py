"""Share cards: every detail page names a 1200x630 PNG of itself as its og:image, drawn in the
page's language, kept per version of the record and language, and never for a draft."""

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from PIL import Image

from initiatives.models import CountryRole
from publishing import share_cards
from publishing.models import Status
from publishing.share_cards import CardContent, Setter, has_noto, places_line, render_card, wrap

from .test_for_machines import BASE, head_of

pytestmark = pytest.mark.django_db

needs_noto = pytest.mark.skipif(
    not has_noto(),
    reason="the Noto fonts (Debian's fonts-noto-core and fonts-noto-cjk) are not installed",
)


@pytest.fixture
def pages(make_initiative, make_event, make_publication, countries, sdgs):
    """{type: page address} of one published record of each type, a country and a goal."""
    kenya, mali = countries["kenya"], countries["mali"]
    case = make_initiative(
        "Rice seed exchange",
        countries={kenya: CountryRole.PROVIDER, mali: CountryRole.BENEFICIARY},
        sdgs=[sdgs[2], sdgs[16]],
    )
    event = make_event("Forum on cooperation", country=kenya, city="Nairobi")
    event.sdgs.set([sdgs[3]])
    publication = make_publication("Report on cooperation", sdgs=[sdgs[2]])
    return {
        "initiative": case.get_absolute_url(),
        "event": event.get_absolute_url(),
        "publication": publication.get_absolute_url(),
        "country": kenya.get_absolute_url(),
        "sdg": sdgs[3].get_absolute_url(),
    }


def card_of(client, page):
    """The og tags of the page, and its card's answer."""
    head = head_of(client, page)
    og = head.og()
    assert og["og:image"].startswith(BASE)
    return head, og, client.get(og["og:image"].removeprefix(BASE))


def image_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


@pytest.mark.parametrize("kind", ["initiative", "event", "publication", "country", "sdg"])
def test_every_detail_page_shares_its_card_of_1200_by_630(client, pages, kind):
    head, og, response = card_of(client, pages[kind])

    assert og["og:image"].startswith(f"{BASE}{pages[kind]}card.png?v=")
    assert (og["og:image:width"], og["og:image:height"]) == ("1200", "630")
    assert og["og:image:type"] == "image/png"
    assert "SSC Portal" in og["og:image:alt"]
    assert head.named("twitter:card") == ["summary_large_image"]
    image = image_of(response)
    assert image.size == (1200, 630)
    assert image.format == "PNG"
    assert len(response.content) < 150_000
    assert "public" in response["Cache-Control"]
    assert "max-age=31536000" in response["Cache-Control"]
    assert response["ETag"]


def ink_columns(image, top, bottom):
    """The x of every column with dark ink between rows `top` and `bottom`."""
    grey = image.convert("L")
    return [
        x
        for x in range(image.width)
        if any(grey.getpixel((x, y)) < 100 for y in range(top, bottom, 2))
    ]


def test_an_arabic_page_shares_its_arabic_card_set_from_the_right(client, make_initiative):
    case = make_initiative("Water", title_ar="المياه")

    _head, og, response = card_of(client, f"/ar{case.get_absolute_url()}")

    assert og["og:image"].startswith(f"{BASE}/ar/initiatives/{case.slug}/card.png?v=")
    assert response["Content-Language"] == "ar"
    image = image_of(response)
    # The short title starts at the right margin and leaves the left half of the card empty.
    title = ink_columns(image, 220, 300)
    assert title and min(title) > 600
    assert 1100 <= max(title) <= 1130


def test_an_english_title_is_set_from_the_left(client, make_initiative):
    case = make_initiative("Water")

    image = image_of(card_of(client, case.get_absolute_url())[2])

    title = ink_columns(image, 220, 300)
    assert 70 <= min(title) <= 80
    assert max(title) < 600


@needs_noto
def test_a_chinese_card_is_set_in_a_cjk_face(client, make_initiative):
    case = make_initiative("Water", title_zh_hans="水资源合作")

    image = image_of(card_of(client, f"/zh-hans{case.get_absolute_url()}")[2])

    assert share_cards.font_file("cjk", "bold")[0].endswith("NotoSansCJK-Bold.ttc")
    assert ink_columns(image, 220, 300)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW])
def test_a_draft_has_no_card_even_for_staff(
    client, staff_client, make_initiative, make_event, make_publication, status
):
    drafts = [
        make("Not yet", status=status) for make in (make_initiative, make_event, make_publication)
    ]
    scheduled = make_initiative("Later", published_at=timezone.now() + timedelta(days=2))
    addresses = [f"{record.get_absolute_url()}card.png" for record in [*drafts, scheduled]]

    assert [client.get(address).status_code for address in addresses] == [404] * 4
    staff = staff_client("change_initiative", "change_event", "change_publication")
    assert [staff.get(address).status_code for address in addresses] == [404] * 4


def test_unknown_countries_and_goals_have_no_card(client, countries, sdgs):
    assert client.get("/countries/ke/card.png").status_code == 404
    assert client.get("/countries/ZZ/card.png").status_code == 404
    assert client.get("/sdgs/03/card.png").status_code == 404
    assert client.get("/sdgs/4/card.png").status_code == 404


def test_a_card_is_drawn_once_per_version_and_language(client, make_initiative):
    case = make_initiative("Water")
    url = head_of(client, case.get_absolute_url()).og()["og:image"].removeprefix(BASE)

    with mock.patch.object(share_cards, "render_card", wraps=render_card) as render:
        first = client.get(url)
        second = client.get(url)
        arabic = client.get(f"/ar{url}")
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert render.call_count == 2  # English once, Arabic once
    assert first.content == second.content
    assert arabic.content != first.content
    assert arabic["ETag"] != first["ETag"]
    assert again.status_code == 304


def test_a_changed_record_has_a_new_card_address(client, make_initiative):
    case = make_initiative("Water")
    before = head_of(client, case.get_absolute_url()).og()["og:image"]

    case.title = "Water and sanitation"
    case.save()
    after = head_of(client, case.get_absolute_url()).og()["og:image"]

    assert after != before
    assert image_of(client.get(after.removeprefix(BASE))).size == (1200, 630)


def test_an_old_address_answers_the_current_card_for_a_short_while(client, make_initiative):
    case = make_initiative("Water")

    response = client.get(f"{case.get_absolute_url()}card.png?v=0.old")

    assert image_of(response).size == (1200, 630)
    assert "max-age=300" in response["Cache-Control"]


def test_a_long_title_and_fifty_countries_keep_to_the_card(client, make_initiative, make_country):
    countries = {
        make_country(
            f"Country number {number}", f"{chr(65 + number // 26)}{chr(65 + number % 26)}"
        ): (CountryRole.BENEFICIARY)
        for number in range(50)
    }
    title = "A very long title about cooperation " * 5  # 179 characters
    case = make_initiative(title.strip(), countries=countries)

    response = client.get(
        head_of(client, case.get_absolute_url()).og()["og:image"].removeprefix(BASE)
    )

    assert image_of(response).size == (1200, 630)


@pytest.mark.parametrize("language", ["en", "ar", "zh-hans", "ru"])
def test_a_long_title_takes_three_lines_at_most_ending_with_an_ellipsis(language):
    title = {
        "en": "Strengthening rice seed systems through cooperation " * 6,
        "ar": "تعزيز نظم بذور الأرز من خلال التعاون فيما بين بلدان الجنوب " * 6,
        "zh-hans": "通过南南合作加强水稻种子系统" * 8,
        "ru": "Укрепление систем семеноводства риса посредством сотрудничества " * 6,
    }[language]

    lines, fits = wrap(title, "bold", 46, language, 1056, 3)

    assert not fits
    assert len(lines) == 3
    assert lines[-1].endswith("…")
    assert all(Setter("bold", 46, language).width(line) <= 1056 for line in lines)


def test_many_names_end_with_the_count_of_the_others():
    content = CardContent(site="SSC Portal", kind="Case study", title="Water")
    canvas = share_cards.Canvas(content)
    names = [f"Country number {number}" for number in range(50)]

    line = places_line(canvas, names, 30, "en", ", ")

    assert line.startswith("Country number 0, ")
    assert line.endswith(f" +{50 - line.count(',') - 1}")
    assert Setter("regular", 30, "en").width(line) <= canvas.width


def test_latin_words_and_marks_in_arabic_text_are_set_in_a_face_that_has_them():
    runs = Setter("regular", 30, "ar").runs("أفريقيا › شرق أفريقيا SSC 2024…")

    latin = [(run.text, run.direction) for run in runs if "Arabic" not in run.font.getname()[0]]
    if has_noto():
        assert latin == [("›", "rtl"), ("SSC 2024", "ltr"), ("…", "rtl")]
    assert "".join(run.text for run in runs) == "أفريقيا › شرق أفريقيا SSC 2024…"


@needs_noto
@pytest.mark.parametrize("weight", ["regular", "bold"])
def test_every_character_of_an_arabic_text_is_set_in_a_face_that_has_it(weight):
    """The Arabic face has no slash, brackets, dash, plus or per cent sign: each is set in the
    Latin face, and figures joined by a separator read left to right as one number."""
    text = "قرار الجمعية العامة 58/220 (2003) · بوينس آيرس+40، 20–22 مارس، 5% من SSC"
    runs = Setter(weight, 46, "ar").runs(text)

    assert "".join(run.text for run in runs) == text
    for run in runs:
        path = run.font.path
        missing = set(run.text) - share_cards.characters_of(
            "arabic" if "Arabic" in path else "latin", weight
        )
        assert not {char for char in missing if not char.isspace()}, (run.text, path)
    assert ("58/220", "ltr") in [(run.text, run.direction) for run in runs]


def test_a_staff_preview_of_a_draft_names_no_card(staff_client, make_initiative):
    draft = make_initiative("Not yet", status=Status.DRAFT)
    staff = staff_client("change_initiative")

    head = head_of(staff, draft.get_absolute_url())

    assert "og:image" not in head.og()
    assert head.named("twitter:card") == ["summary"]


def test_a_country_renamed_gives_the_cards_that_name_it_a_new_address(
    client, make_initiative, countries
):
    from initiatives.models import CountryRole

    kenya = countries["kenya"]
    case_study = make_initiative("Seeds", countries={kenya: CountryRole.BENEFICIARY})
    before = head_of(client, case_study.get_absolute_url()).og()["og:image"]

    kenya.name = "Kenya (renamed)"
    kenya.save()
    after = head_of(client, case_study.get_absolute_url()).og()["og:image"]

    assert after != before
