"""The portal's own content, edited by staff: the key figures of the home page and the sections
of the About page. Both are small, ordered by hand and cite their sources."""

import re

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.content_language import translated
from taxonomy.models import Source


class ShownQuerySet(models.QuerySet):
    def shown(self):
        """What the public sees: the records staff have left shown, in their order. (Content
        with a publication workflow uses publishing's `published()` instead.)"""
        return self.filter(is_shown=True)


class ShownManager(models.Manager.from_queryset(ShownQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Shown(models.Model):
    """What key figures and About sections share: a slug (the fixtures' natural key), a place
    in the order, a switch to hide the record, and the documents it cites."""

    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("A short name that identifies the record; it does not appear on the page."),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers come first.")
    )
    is_shown = models.BooleanField(
        _("shown"), default=True, help_text=_("Untick to take it off the page without deleting it.")
    )

    objects = ShownManager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (self.slug,)


@translated("value", "statement", "year_note")
class KeyFigure(Shown):
    value = models.CharField(
        _("figure"),
        max_length=60,
        help_text=_("The figure as the source gives it, e.g. “466 billion dollars”, “A third”."),
    )
    statement = models.CharField(
        _("statement"),
        max_length=300,
        help_text=_(
            "What the figure measures, as one sentence that follows the figure, e.g. “of the "
            "world's economic growth in recent years came from the countries of the South.”"
        ),
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        help_text=_("The year the figure is for. Leave empty when the sources do not say."),
    )
    year_note = models.CharField(
        _("how the year is known"),
        max_length=300,
        blank=True,
        help_text=_(
            "When the source does not state the year outright, say how it was worked out, e.g. "
            "“The source says ‘last year’ in November 2018.”"
        ),
    )
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), related_name="key_figures")

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")

    def __str__(self):
        return f"{self.value} {self.statement}"


# A line of a bulleted list ("- item") or of a numbered one ("1. item").
BULLET = re.compile(r"^[-*•]\s+(?P<text>.+)$")
NUMBERED = re.compile(r"^\d{1,3}[.)]\s+(?P<text>.+)$")


@translated("heading", "body")
class AboutSection(Shown):
    heading = models.CharField(_("heading"), max_length=120)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Plain text, no HTML. Leave an empty line between paragraphs. For a list, start "
            "each line with “- ” (bullets) or “1. ”, “2. ”… (numbered), with no other lines in "
            "that paragraph."
        ),
    )
    sources = models.ManyToManyField(
        Source, verbose_name=_("sources"), blank=True, related_name="about_sections"
    )

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("About page section")
        verbose_name_plural = _("About page sections")

    def __str__(self):
        return self.heading

    def get_absolute_url(self):
        return f"{reverse('about')}#{self.slug}"

    def blocks(self):
        """The text as a list of {"kind": "p" | "ul" | "ol", "text" or "items"}; the template
        escapes it, so whatever staff type shows as text, never as markup."""
        blocks = []
        for chunk in re.split(r"\n\s*\n", self.texts.body.replace("\r\n", "\n").strip()):
            lines = [line.strip() for line in chunk.splitlines() if line.strip()]
            if not lines:
                continue
            for kind, pattern in (("ul", BULLET), ("ol", NUMBERED)):
                matches = [pattern.match(line) for line in lines]
                if all(matches):
                    blocks.append({"kind": kind, "items": [m["text"] for m in matches]})
                    break
            else:
                blocks.append({"kind": "p", "text": "\n".join(lines)})
        return blocks


class SeededRecord(models.Model):
    """A record of the starting content (fixtures/) that `load_portal_content` has created once.

    Loading the content again creates only what it has never created: a record staff have
    deleted stays deleted, and one staff have edited stays as they left it."""

    model = models.CharField(_("model"), max_length=100)
    natural_key = models.CharField(_("natural key"), max_length=255)
    seeded_at = models.DateTimeField(_("first loaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("starting-content record")
        verbose_name_plural = _("starting-content records")
        constraints = [
            models.UniqueConstraint(fields=["model", "natural_key"], name="seeded_record_unique")
        ]

    def __str__(self):
        return f"{self.model} {self.natural_key}"
