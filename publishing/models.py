"""What every public content type shares: the publishing workflow and its single visibility rule."""

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Window
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.cites_by_title import validate_cites_by_title

from .validators import validate_image_upload

# The years a record may give (a project's start, a document's issue): the UN dates from 1945.
MIN_YEAR, MAX_YEAR = 1945, 2100
YEAR_VALIDATORS = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")


def publish_permission(model):
    """The permission that lets a user publish, unpublish and schedule records of `model`
    (declared in each content model's Meta, given to the Publishers group)."""
    return f"{model._meta.app_label}.publish_{model._meta.model_name}"


def may_publish(user, model):
    """Whether `user` may publish, unpublish and schedule records of `model`: the one test every
    door asks (the admin's actions and forms, restoring a version, the review queue)."""
    return user.is_active and user.has_perm(publish_permission(model))


class PublishedQuerySet(models.QuerySet):
    def published(self):
        """The only definition of what the public sees: published, and not scheduled for later."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def first_with_total(self, count):
        """The first `count` records in the queryset's order and how many there are in all, in
        one query: a window count of the whole set rides on every row."""
        records = list(self.annotate(total=Window(Count("pk")))[:count])
        return records, (records[0].total if records else 0)


def publication_moments(since):
    """The moments after `since` at which a published record of any kind becomes public (its
    publication date still to come when `since` was): one query for every kind."""
    querysets = [
        model._default_manager.filter(status=Status.PUBLISHED, published_at__gt=since)
        .order_by()
        .values_list("published_at", flat=True)
        for model in apps.get_models()
        if issubclass(model, Publishable) and not model._meta.abstract
    ]
    if not querysets:
        return []
    return list(querysets[0].union(*querysets[1:], all=True))


class PublishableManager(models.Manager.from_queryset(PublishedQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Publishable(models.Model):
    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=255,
        unique=True,
        help_text=_("The last part of the page address. Filled in from the title; keep it short."),
    )
    summary = models.TextField(
        _("summary"), help_text=_("Two or three sentences shown in lists and search results.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_(
            "Set when the record is published. A date in the future schedules publication."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PublishableManager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.slug,)

    def clean_fields(self, exclude=None):
        """The fields' own checks, then: every text the public reads (summary, description, note
        on the sources, in each language) cites its sources by title, never by the internal
        number of a seed document (core/cites_by_title.py)."""
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if not isinstance(field, models.TextField) or not field.editable:
                continue
            if (exclude and field.name in exclude) or field.name in errors:
                continue
            try:
                validate_cites_by_title(getattr(self, field.attname))
            except ValidationError as error:
                errors[field.name] = error.error_list
        if errors:
            raise ValidationError(errors)

    def links_saved(self):
        """Called once the record's many-to-many links are written (the admin's form, a
        spreadsheet import, the starting content): a content type adds here the links that
        others imply (a case study's SDG target implies its goal)."""

    def is_published(self):
        """The instance form of `PublishedQuerySet.published()`; keep the two in step."""
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )


class StepKind(models.TextChoices):
    STATUS = "status", _("Status changed")
    CHANGES_APPROVED = "approved", _("Pending changes approved")
    CHANGES_DISCARDED = "discarded", _("Pending changes discarded")
    PUBLISHED_NOW = "published_now", _("Changes published at once")


class Transition(models.Model):
    """One step of a record's review workflow (publishing/workflow.py): from which status to
    which, who took it, when and why; or, for a published record, what became of changes to it
    (publishing/staging.py). Never changed once written."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("content type")
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    from_status = models.CharField(_("from"), max_length=10, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=Status.choices)
    kind = models.CharField(
        _("kind"), max_length=16, choices=StepKind.choices, default=StepKind.STATUS
    )
    comment = models.TextField(_("comment"), blank=True)
    # The record of who did what outlives the staff account.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "-created_at"], name="transition_record_idx"
            )
        ]

    def __str__(self):
        if self.kind != StepKind.STATUS:
            return str(self.get_kind_display())
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"

    @property
    def user_name(self):
        if self.user is None:
            return _("(a former staff member)")
        return self.user.get_full_name() or self.user.get_username()


class PendingRevision(models.Model):
    """Changes to a published record that the public does not see yet (publishing/staging.py):
    the change form's data as it was posted, to be replayed through the same admin form once a
    publisher approves. At most one per record: a new save replaces it."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("content type")
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    # {name: [values]}: the form's and every formset's fields, without the CSRF token.
    data = models.JSONField(_("form data"), default=dict)
    # {name: [{"path", "name", "content_type"}]}: uploads, kept in storage under pending/.
    files = models.JSONField(_("uploaded files"), default=dict)
    # The record's fields the author's form had; the others are left as they are when replayed.
    fields = models.JSONField(_("form fields"), default=list)
    comment = models.TextField(_("comment"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)
    # The live record's `updated_at` when the changes were made: approving them over a record
    # changed since asks to confirm.
    based_on = models.DateTimeField(_("based on the version of"))

    class Meta:
        verbose_name = _("pending revision")
        verbose_name_plural = _("pending revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="one_pending_revision_per_record"
            )
        ]

    def __str__(self):
        return f"{self.content_type} {self.object_id}"

    @property
    def author_name(self):
        if self.author is None:
            return _("(a former staff member)")
        return self.author.get_full_name() or self.author.get_username()


class ImportState(models.TextChoices):
    CHECKING = "checking", _("Checking the rows")
    READY = "ready", _("Checked: waiting for confirmation")
    INVALID = "invalid", _("Rows with problems: nothing written")
    IMPORTING = "importing", _("Importing")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Stopped: nothing written")


class SpreadsheetImport(models.Model):
    """A spreadsheet too long to check and import while its uploader waits for the page
    (publishing/spreadsheet_jobs.py): the task worker checks its rows, then, once confirmed,
    writes them, and the uploader follows both on a page with a progress bar. The file waits in
    the shared media storage under the name the upload gave it."""

    RUNNING = (ImportState.CHECKING, ImportState.IMPORTING)

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("content type")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("stored file"), max_length=64)
    original_name = models.CharField(_("file"), max_length=255)
    # The index of the import format in the admin's list (CSV or XLSX).
    format = models.PositiveSmallIntegerField(_("format"))
    rows = models.PositiveIntegerField(_("rows"))
    state = models.CharField(
        _("state"), max_length=10, choices=ImportState.choices, default=ImportState.CHECKING
    )
    # What the check or the import found: totals, row errors, the first rows of the preview.
    report = models.JSONField(_("report"), default=dict)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        default_permissions = ()

    def __str__(self):
        return self.original_name

    @property
    def running(self):
        return self.state in self.RUNNING


class AwaitingReview(Transition):
    """The publishers' queue in the admin ("Awaiting review", publishing/admin.py): a proxy so
    that the queue has its place in the admin's index; it stores nothing of its own."""

    class Meta:
        proxy = True
        verbose_name = _("awaiting review")
        verbose_name_plural = _("awaiting review")
        default_permissions = ()


IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "webp", "gif"}


def generated_image_name(instance, filename):
    """`<app>/<slug>.<ext>`: the stored name never comes from the upload, only an extension from
    a fixed list (Pillow, not the name, decides what the file is)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "img"
    extension = extension if extension in IMAGE_EXTENSIONS else "img"
    return f"{instance._meta.app_label}/{instance.slug}.{extension}"


class Illustrated(models.Model):
    """An optional image with its size (for width and height in the page) and its description."""

    image = models.ImageField(
        _("image"),
        upload_to=generated_image_name,
        blank=True,
        validators=[validate_image_upload],
        width_field="image_width",
        height_field="image_height",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        _("image description"),
        max_length=255,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required with an image."),
    )

    class Meta:
        abstract = True

    def image_errors(self):
        """For the model's clean(): what is wrong with the image fields, by field."""
        if self.image and not self.image_alt:
            return {"image_alt": _("Describe the image for people who cannot see it.")}
        return {}


class SearchWord(models.Model):
    """A word of a title, in any language, of a record of any content type, or of a name its
    records are found by (a country's: the type's `close_names`): what a mistyped word of a
    search is corrected to on PostgreSQL (publishing/search.py, `close_query`), through the
    trigram index of `word`. Written afresh from the records once per content state."""

    word = models.CharField(max_length=100, primary_key=True)
    in_title = models.BooleanField(default=False)
    in_name = models.BooleanField(default=False)

    class Meta:
        indexes = [
            GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="search_word_trgm_idx")
        ]

    def __str__(self):
        return self.word
