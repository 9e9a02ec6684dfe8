"""Admin behaviour every content type shares: publish and unpublish actions, status at a glance."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.signals import send_content_changed

from .content import content_for
from .duplicate import duplicate_selected
from .models import Status


class PublishableAdmin(admin.ModelAdmin):
    actions = ["publish", "unpublish", duplicate_selected]
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_at"
    readonly_fields = ["created_at", "updated_at"]

    @admin.action(description=_("Publish the selected records"), permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        # Keep an existing publication date (it may schedule a later publication).
        undated = queryset.filter(published_at__isnull=True).update(
            status=Status.PUBLISHED, published_at=now, updated_at=now
        )
        dated = queryset.exclude(status=Status.PUBLISHED).update(
            status=Status.PUBLISHED, updated_at=now
        )
        count = undated + dated
        send_content_changed(queryset.model)  # update() sends no signal
        self.message_user(
            request,
            ngettext("%d record published.", "%d records published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Unpublish the selected records (back to draft)"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        count = queryset.filter(status=Status.PUBLISHED).update(
            status=Status.DRAFT, updated_at=timezone.now()
        )
        send_content_changed(queryset.model)
        self.message_user(
            request,
            ngettext("%d record unpublished.", "%d records unpublished.", count) % count,
            messages.SUCCESS,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Inlines and many-to-many fields are saved after the record, and an inline may have
        # deleted a part (which sends no signal): index the record as it now is, and say so.
        record = form.instance
        content_for(type(record)).refresh_index(type(record)._base_manager.filter(pk=record.pk))
        send_content_changed(type(record))

    @admin.display(description=_("preview"))
    def image_preview(self, obj):
        if not obj.image:
            return _("No image yet.")
        return format_html(
            '<img src="{}" alt="{}" width="240" loading="lazy">', obj.image.url, obj.image_alt
        )
