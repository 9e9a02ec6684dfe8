"""Publications: reports, resolutions, plans of action, strategies, compendia, policy papers."""

import contextlib
import secrets

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.content_language import translated
from core.undocs import NATIVE_NAMES, RIGHT_TO_LEFT
from events.models import Event
from initiatives.models import Initiative
from publishing.models import (
    MAX_YEAR,
    MIN_YEAR,
    YEAR_VALIDATORS,
    Illustrated,
    Publishable,
)
from taxonomy.models import SDG, Organisation, Source, Theme


class PublicationKind(models.TextChoices):
    REPORT = "report", _("Report")
    RESOLUTION = "resolution", _("Resolution")
    PLAN_OF_ACTION = "plan-of-action", _("Plan of action")
    STRATEGY = "strategy", _("Strategy")
    COMPENDIUM = "compendium", _("Compendium")
    POLICY_PAPER = "policy-paper", _("Policy paper")


class Language(models.TextChoices):
    """The six official languages of the United Nations, and Portuguese."""

    ARABIC = "ar", _("Arabic")
    CHINESE = "zh", _("Chinese")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    RUSSIAN = "ru", _("Russian")
    SPANISH = "es", _("Spanish")
    PORTUGUESE = "pt", _("Portuguese")


def generated_document_name(instance, filename):
    """The stored name never comes from the upload (validators.py checks the content is a PDF).
    A random part keeps a draft's file from being found at a guessable address; the public
    download goes through the publication's download page, which names the file after it."""
    return f"publications/{instance.slug}-{secrets.token_urlsafe(12)}.pdf"


@translated("title", "summary", "description")
class Publication(Illustrated, Publishable):
    kind = models.CharField(_("kind"), max_length=15, choices=PublicationKind.choices)
    document_symbol = models.CharField(
        _("document symbol"),
        max_length=60,
        blank=True,
        help_text=_("The United Nations document symbol, e.g. A/RES/58/220."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=YEAR_VALIDATORS, help_text=_("The year the document was issued.")
    )
    issued_on = models.DateField(
        _("date issued"),
        null=True,
        blank=True,
        help_text=_("The exact date, when the sources give it; otherwise the year alone."),
    )
    publishers = models.ManyToManyField(
        Organisation,
        verbose_name=_("publishers"),
        blank=True,
        related_name="publications_published",
    )
    authors = models.ManyToManyField(
        Organisation,
        verbose_name=_("authors"),
        blank=True,
        related_name="publications_authored",
        help_text=_("The organisations that wrote it, where they differ from the publishers."),
    )
    description = models.TextField(_("description"), blank=True)
    document = models.FileField(
        _("PDF file"),
        upload_to=generated_document_name,
        blank=True,
        help_text=_("The document as a PDF, where the portal may share it."),
    )
    document_size = models.PositiveIntegerField(null=True, blank=True, editable=False)
    document_note = models.CharField(
        _("why there is no file"),
        max_length=255,
        blank=True,
        help_text=_("Without a PDF, say why (e.g. “The portal may not share this document.”)."),
    )
    external_url = models.URLField(
        _("address elsewhere"),
        max_length=500,
        blank=True,
        help_text=_("Where the publisher offers the document."),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    initiatives = models.ManyToManyField(
        Initiative,
        verbose_name=_("related case studies"),
        blank=True,
        related_name="publications",
    )
    events = models.ManyToManyField(
        Event,
        verbose_name=_("related events"),
        blank=True,
        related_name="publications",
        help_text=_("For example the event that launched it."),
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="publications"
    )
    sdgs = models.ManyToManyField(
        SDG,
        verbose_name=_("Sustainable Development Goals"),
        blank=True,
        related_name="publications",
    )
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), related_name="publications")
    source_note = models.TextField(
        _("note on the sources"),
        blank=True,
        help_text=_("Where the sources disagree or leave something out, say how."),
    )
    # The search index: kept up to date by the application, never edited.
    search_text = models.TextField(editable=False, blank=True, default="")
    search_vector = SearchVectorField(null=True, editable=False)

    # Newest first where a page shows "the latest": by year, then by date where it is known.
    LATEST_FIRST = (F("year").desc(), F("issued_on").desc(nulls_last=True), "title")

    class Meta:
        ordering = ["-year", "-issued_on", "title"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        permissions = [
            ("publish_publication", _("Can publish, unpublish and schedule publications"))
        ]
        indexes = [
            models.Index(fields=["status", "published_at", "year"], name="publication_pub_idx"),
            # Created on PostgreSQL only (see the migration): SQLite searches without it.
            GinIndex(fields=["search_vector"], name="publication_search_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR) & Q(year__lte=MAX_YEAR),
                name="publication_year_range",
            ),
        ]

    def get_absolute_url(self):
        return reverse("publications:detail", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        self.measure_document()
        super().save(*args, **kwargs)

    def measure_document(self):
        """`document_size` for the download button, measured once, when the file comes in."""
        document = self.document
        if not document:
            self.document_size = None
        elif not document._committed:
            self.document_size = document.size  # the upload, before it is stored
        elif self.document_size is None:
            with contextlib.suppress(OSError):  # a missing file: no size to show
                self.document_size = document.size  # asks the storage

    def clean(self):
        errors = self.image_errors()
        if self.issued_on and self.year and self.issued_on.year != self.year:
            errors["issued_on"] = _("The date is not in the year given above.")
        if not self.document and not self.document_note and not self.external_url:
            errors["document_note"] = _(
                "Without a PDF or an address elsewhere, say why there is no file."
            )
        if errors:
            raise ValidationError(errors)


def generated_edition_name(instance, filename):
    """As `generated_document_name`: never the upload's name, a random part, the language."""
    slug = instance.publication.slug
    return f"publications/{slug}-{instance.language}-{secrets.token_urlsafe(12)}.pdf"


class PublicationEditionManager(models.Manager):
    def get_by_natural_key(self, publication_slug, language):
        return self.get(publication__slug=publication_slug, language=language)


class PublicationEdition(models.Model):
    """The publication in another language: its title in that language, and its PDF on the
    portal or the address where its publisher offers it."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="editions")
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    title = models.CharField(
        _("title"), max_length=255, help_text=_("The title in the edition's language.")
    )
    document = models.FileField(
        _("PDF file"),
        upload_to=generated_edition_name,
        blank=True,
        help_text=_("The edition as a PDF, where the portal may share it."),
    )
    external_url = models.URLField(
        _("address elsewhere"),
        max_length=500,
        blank=True,
        help_text=_("Where the publisher offers the edition."),
    )

    objects = PublicationEditionManager()

    class Meta:
        ordering = ["language"]
        verbose_name = _("language edition")
        verbose_name_plural = _("language editions")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "language"], name="publication_edition_language_unique"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.get_language_display()})"

    def natural_key(self):
        return (self.publication.slug, self.language)

    natural_key.dependencies = ["publications.publication"]

    def clean(self):
        if not self.document and not self.external_url:
            raise ValidationError(
                {
                    "external_url": _(
                        "Give the edition's PDF file or the address where its publisher offers it."
                    )
                }
            )
        if self.document and self.external_url:
            raise ValidationError(
                {"external_url": _("Give the PDF file or the address elsewhere, not both.")}
            )

    def get_download_url(self):
        return reverse(
            "publications:edition_download",
            kwargs={"slug": self.publication.slug, "language": self.language},
        )

    @property
    def native_name(self):
        """The language's name in itself ("Français"), as a page in any language names it."""
        return NATIVE_NAMES.get(self.language, self.get_language_display())

    @property
    def direction(self):
        return "rtl" if self.language in RIGHT_TO_LEFT else "ltr"
