"""Admin behaviour every content type shares: publish and unpublish actions, status at a glance."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .choices import content_changed
from .models import Status


class PublishableAdmin(admin.ModelAdmin):
    actions = ["publish", "unpublish"]
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
        content_changed()  # update() sends no signal
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
        content_changed()
        self.message_user(
            request,
            ngettext("%d record unpublished.", "%d records unpublished.", count) % count,
            messages.SUCCESS,
        )

    @admin.display(description=_("preview"))
    def image_preview(self, obj):
        if not obj.image:
            return _("No image yet.")
        return format_html(
            '<img src="{}" alt="{}" width="240" loading="lazy">', obj.image.url, obj.image_alt
        )
