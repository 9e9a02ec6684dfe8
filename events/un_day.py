"""Content the portal keeps up to date by itself, beyond the fixtures: the next United Nations Day
for South-South Cooperation, open for registration."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.content_language import translation_field
from publishing.models import Status
from taxonomy.models import Source

from .models import DatePrecision, Event, EventFormat, EventKind

UN_DAY_ZONE = "America/New_York"
UN_DAY_MONTH, UN_DAY_DAY = 9, 12  # 12 September, as proclaimed by the General Assembly
# The programme of a future Day is not known; the times repeat the 2021 commemoration's panel.
UN_DAY_START, UN_DAY_END = (9, 0), (11, 0)
UN_DAY_CAPACITY = 300
UN_DAY_SOURCES = [
    "aipr-international-day-for-south-south-cooperation",  # 000: origin of the Day
    "unossc-un-day-for-south-south-cooperation-2021",  # 003: 12 September, the 2021 times
]


def un_day_slug(year):
    return f"un-day-for-south-south-cooperation-{year}"


def next_un_day_year(today):
    """The year of the next UN Day on or after `today`: this year up to and including 12
    September, the next year after it."""
    return today.year if today <= date(today.year, UN_DAY_MONTH, UN_DAY_DAY) else today.year + 1


# The Day's title and summary in the other languages of the portal (the description stays in
# English until staff translate it), in the UN's names for the Day.
TRANSLATIONS = {
    "ar": (
        "يوم الأمم المتحدة للتعاون فيما بين بلدان الجنوب لعام {year}",
        "يصادف يوم الأمم المتحدة للتعاون فيما بين بلدان الجنوب 12 أيلول/سبتمبر {year}. وهو يوم "
        "للنظر فيما تحققه البلدان النامية بالعمل معا. سجِّل للمشاركة عبر الإنترنت؛ وسيُعلَن "
        "البرنامج لاحقا.",
    ),
    "es": (
        "Día de las Naciones Unidas para la Cooperación Sur-Sur {year}",
        "El Día de las Naciones Unidas para la Cooperación Sur-Sur se celebra el 12 de septiembre "
        "de {year}. Es una jornada para observar lo que los países en desarrollo logran trabajando "
        "juntos. Inscríbase para participar en línea; el programa se anunciará más adelante.",
    ),
    "fr": (
        "Journée des Nations Unies pour la coopération Sud-Sud {year}",
        "La Journée des Nations Unies pour la coopération Sud-Sud a lieu le 12 septembre {year}. "
        "C’est l’occasion de mesurer ce que les pays en développement accomplissent en "
        "travaillant ensemble. Inscrivez-vous pour y participer en ligne\u00a0; le programme "
        "suivra.",
    ),
    "ru": (
        "День Организации Объединенных Наций, посвященный сотрудничеству Юг-Юг ({year})",
        "День Организации Объединенных Наций, посвященный сотрудничеству Юг-Юг, отмечается "
        "12 сентября {year} года. Это повод оценить, чего развивающиеся страны достигают, "
        "работая вместе. Зарегистрируйтесь, чтобы принять участие онлайн; программа будет "
        "объявлена позднее.",
    ),
    "zh-hans": (
        "{year}年联合国南南合作日",
        "{year}年9月12日是联合国南南合作日。这一天用于审视发展中国家通过合作取得的成就。"
        "请登记在线参加；活动安排将随后公布。",
    ),
}


def translations(year):
    fields = {}
    for language, (title, summary) in TRANSLATIONS.items():
        fields[translation_field("title", language)] = title.format(year=year)
        fields[translation_field("summary", language)] = summary.format(year=year)
    return fields


def _un_day_fields(year):
    zone = ZoneInfo(UN_DAY_ZONE)
    starts_at = datetime(year, UN_DAY_MONTH, UN_DAY_DAY, *UN_DAY_START, tzinfo=zone)
    ends_at = datetime(year, UN_DAY_MONTH, UN_DAY_DAY, *UN_DAY_END, tzinfo=zone)
    return {
        "title": f"United Nations Day for South-South Cooperation {year}",
        "summary": (
            f"The United Nations Day for South-South Cooperation falls on 12 September {year}. "
            "It is a day to look at what developing countries achieve by working together. "
            "Register to take part online; the programme will follow."
        ),
        "description": (
            "Each year on 12 September the United Nations marks the Day for South-South "
            "Cooperation, which recalls the adoption of the Buenos Aires Plan of Action in 1978. "
            "It is an occasion to take stock of recent progress in cooperation among countries "
            "of the South and of the UN's work to support it.\n\n"
            "The programme for this year has not been announced. The time given is provisional "
            "and will be updated, and registered participants will receive the details."
        ),
        **translations(year),
        "status": Status.PUBLISHED,
        "published_at": timezone.now(),
        "kind": EventKind.OBSERVANCE,
        "annual": True,
        "format": EventFormat.ONLINE,
        "starts_at": starts_at.astimezone(UTC),
        "ends_at": ends_at.astimezone(UTC),
        "time_zone": UN_DAY_ZONE,
        "date_precision": DatePrecision.TIME,
        "registration_enabled": True,
        "registration_opens_at": None,
        "registration_closes_at": None,
        "capacity": UN_DAY_CAPACITY,
        "waiting_list": True,
        "source_note": (
            "The date follows the General Assembly's proclamation of 12 September as the United "
            "Nations Day for South-South Cooperation. The programme is not yet announced, so the "
            "time (09:00-11:00 New York time) repeats that of the 2021 commemoration's "
            "high-level panel; it is a placeholder, not a fact from the sources."
        ),
    }


def ensure_next_un_day(today=None):
    """Make sure the next UN Day for South-South Cooperation (see `next_un_day_year`) exists as a
    published, upcoming observance with registration open, and return it.

    `today` defaults to the current date in New York, where the Day's times are given. An existing
    record with the slug is returned as it is, never saved again: editors may have changed it."""
    if today is None:
        today = timezone.now().astimezone(ZoneInfo(UN_DAY_ZONE)).date()
    year = next_un_day_year(today)
    slug = un_day_slug(year)
    existing = Event.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            event = Event.objects.create(slug=slug, **_un_day_fields(year))
            event.sources.set(Source.objects.filter(slug__in=UN_DAY_SOURCES))
    except IntegrityError:  # created meanwhile by another process
        return Event.objects.get(slug=slug)
    return event
