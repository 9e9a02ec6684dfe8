"""Reference data every content type shares."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from core.cites_by_title import validate_cites_by_title
from core.content_language import translated


class RegionQuerySet(models.QuerySet):
    def within(self, region):
        """The region itself and every region below it in the M49 tree."""
        return self.filter(path__startswith=region.path)


class RegionManager(models.Manager.from_queryset(RegionQuerySet)):
    def get_by_natural_key(self, m49_code):
        return self.get(m49_code=m49_code)


@translated("name")
class Region(models.Model):
    """A UN M49 region (Africa), sub-region (Sub-Saharan Africa) or intermediate region
    (Western Africa)."""

    class Level(models.IntegerChoices):
        REGION = 1, _("Region")
        SUB_REGION = 2, _("Sub-region")
        INTERMEDIATE = 3, _("Intermediate region")

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    m49_code = models.CharField(_("M49 code"), max_length=3, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The M49 codes from the top region down, e.g. "002/202/011/". Saved from `parent`; lets one
    # `startswith` lookup find a region with everything inside it.
    path = models.CharField(max_length=40, editable=False, db_index=True)

    objects = RegionManager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.texts.name

    def save(self, *args, **kwargs):
        old_path = self.path
        prefix = self.parent.path if self.parent_id else ""
        self.path = f"{prefix}{self.m49_code}/"
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # The regions below carry this path as their prefix: move them along.
                for child in self.children.all():
                    child.save()

    def natural_key(self):
        return (self.m49_code,)


class CountryManager(models.Manager):
    def get_by_natural_key(self, iso2):
        return self.get(iso2=iso2)


@translated("name")
class Country(models.Model):
    """A country or area of the UN M49 standard, with the groups it belongs to."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    iso2 = models.CharField(_("ISO alpha-2 code"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO alpha-3 code"), max_length=3, unique=True)
    m49_code = models.CharField(_("M49 code"), max_length=3, unique=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="countries",
        help_text=_("The most specific M49 region: the intermediate region where there is one."),
    )
    is_ldc = models.BooleanField(_("least developed country (LDC)"), default=False)
    is_lldc = models.BooleanField(_("landlocked developing country (LLDC)"), default=False)
    is_sids = models.BooleanField(_("small island developing State (SIDS)"), default=False)

    objects = CountryManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("country or area")
        verbose_name_plural = _("countries and areas")

    def __str__(self):
        return self.texts.name

    def get_absolute_url(self):
        """The country's page (sscportal/countries.py): everything published involving it."""
        return reverse("country", kwargs={"code": self.iso2})

    def natural_key(self):
        return (self.iso2,)


class SDGManager(models.Manager):
    def get_by_natural_key(self, number):
        return self.get(number=number)


@translated("short_name", "title")
class SDG(models.Model):
    """One of the 17 Sustainable Development Goals."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    # Long enough for the official names in the six languages: the French short name of goal 13
    # has 63 characters, the French title of goal 15 has 283.
    short_name = models.CharField(_("short name"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    colour = models.CharField(
        _("colour"), max_length=7, help_text=_("The goal's official colour, e.g. #E5243B.")
    )

    objects = SDGManager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("Sustainable Development Goal")
        verbose_name_plural = _("Sustainable Development Goals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=17), name="sdg_number_1_to_17"
            )
        ]

    def __str__(self):
        return _("Goal %(number)s: %(name)s") % {
            "number": self.number,
            "name": self.texts.short_name,
        }

    def get_absolute_url(self):
        """The goal's page (sscportal/goals.py): its targets and what contributes to it."""
        return reverse("sdg", kwargs={"number": self.number})

    def natural_key(self):
        return (self.number,)


def target_sort_key(code):
    """Where the target `code` comes among its goal's targets: first the numbered ones in number
    order (1.1, 1.2, ... 17.19), then the lettered ones, the means of implementation (1.a, 1.b)."""
    goal, _dot, target = code.partition(".")
    if goal.isdigit() and target.isdigit():
        return int(target)
    if goal.isdigit() and len(target) == 1 and "a" <= target <= "z":
        return 100 + ord(target) - ord("a")
    raise ValueError(f"Not an SDG target code: {code!r}")


class SDGTargetManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


@translated("text")
class SDGTarget(models.Model):
    """One of the 169 targets of the 17 goals, e.g. 8.2, or 8.a for a means of implementation."""

    goal = models.ForeignKey(
        SDG, verbose_name=_("goal"), on_delete=models.PROTECT, related_name="targets"
    )
    code = models.CharField(
        _("code"),
        max_length=5,
        unique=True,
        validators=[RegexValidator(r"^[1-9][0-9]?\.([1-9][0-9]?|[a-z])\Z")],
        help_text=_("The target's number, e.g. 8.2 or 8.a."),
    )
    text = models.TextField(_("text"))
    # From the code, so that 1.10 comes after 1.9 and the lettered targets after the numbered ones.
    sort_key = models.PositiveSmallIntegerField(editable=False, default=0)

    objects = SDGTargetManager()

    class Meta:
        ordering = ["goal__number", "sort_key"]
        verbose_name = _("SDG target")
        verbose_name_plural = _("SDG targets")

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        self.sort_key = target_sort_key(self.code)
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.code,)

    natural_key.dependencies = ["taxonomy.sdg"]

    def label(self, length=None):
        """ "8.2 — Achieve higher levels of productivity ...", the text in the page's language,
        cut to `length` characters if given."""
        text = self.texts.text
        if length is not None:
            text = Truncator(text).chars(length)
        # The code isolated left to right, so that Arabic shows "3.a", not "a.3".
        return f"\u2066{self.code}\u2069 — {text}"


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


@translated("name", "description")
class Theme(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    objects = SlugManager()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.texts.name

    def natural_key(self):
        return (self.slug,)


@translated("name")
class Organisation(models.Model):
    class Kind(models.TextChoices):
        UN_ENTITY = "un", _("UN entity")
        GOVERNMENT = "government", _("Government agency")
        INTERGOVERNMENTAL = "igo", _("Intergovernmental organisation")
        NGO = "ngo", _("Non-governmental organisation")
        THINK_TANK = "think-tank", _("Think tank or research institute")
        NETWORK = "network", _("Network")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        help_text=_("Where it is based; leave empty for international organisations."),
    )
    website = models.URLField(_("website"), blank=True)

    objects = SlugManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return f"{self.texts.name} ({self.acronym})" if self.acronym else self.texts.name

    def natural_key(self):
        return (self.slug,)


class Source(models.Model):
    """A document that a record cites."""

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    publisher = models.CharField(_("publisher"), max_length=255, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text=_("Leave empty if the document is undated.")
    )
    published_on = models.DateField(
        _("date of publication"),
        null=True,
        blank=True,
        help_text=_("The exact day, when the document gives one. Its year is the year above."),
    )
    url = models.URLField(_("address"), max_length=500, blank=True)
    accessed_on = models.DateField(
        _("accessed on"),
        null=True,
        blank=True,
        help_text=_("The day the address was last checked. Required with an address."),
    )
    note = models.TextField(
        _("note"), blank=True, help_text=_("What the document is, and how far to trust it.")
    )

    objects = SlugManager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return f"{self.title} ({self.year})" if self.year else self.title

    def save(self, *args, **kwargs):
        # Lists, filters and exports read the year: a dated source always has one.
        if self.published_on and self.year is None:
            self.year = self.published_on.year
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        errors = {}
        if self.published_on and self.year and self.published_on.year != self.year:
            errors["published_on"] = _("The date is not in the year given above.")
        if self.url and not self.accessed_on:
            errors["accessed_on"] = _("Give the day the address was last checked.")
        if self.accessed_on and not self.url:
            errors["accessed_on"] = _("An access date goes with an address: give the address.")
        if self.accessed_on and self.accessed_on > timezone.localdate():
            errors["accessed_on"] = _("The address cannot have been checked on a future day.")
        try:
            validate_cites_by_title(self.note)
        except ValidationError as error:
            errors["note"] = error.error_list
        if errors:
            raise ValidationError(errors)
