"""Checks on uploaded images that every content type applies."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image


def validate_image_upload(upload):
    """Refuse files that are too large in bytes or pixels before Pillow decodes them whole."""
    if getattr(upload, "_committed", False):
        # Already stored: it was checked when it was uploaded, and re-checking it on every edit
        # would lock records out of editing whenever a limit is lowered.
        return
    if upload.size > settings.PORTAL_IMAGE_MAX_BYTES:
        raise ValidationError(
            _("The image is %(size)s; the largest allowed is %(limit)s."),
            params={
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.PORTAL_IMAGE_MAX_BYTES),
            },
            code="image_too_large",
        )
    position = upload.tell() if hasattr(upload, "tell") else None
    try:
        with Image.open(upload) as image:
            width, height = image.size
            kind = image.format
    except (OSError, Image.DecompressionBombError, ValueError) as error:
        raise ValidationError(
            _("Upload a valid image: the file is not one, or it is damaged."), code="invalid_image"
        ) from error
    finally:
        if position is not None:
            upload.seek(position)
    if kind not in {"JPEG", "PNG", "WEBP", "GIF"}:
        raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF image."), code="image_format")
    if width * height > settings.PORTAL_IMAGE_MAX_PIXELS:
        raise ValidationError(
            _("The image is %(width)s × %(height)s pixels, which is too large."),
            params={"width": width, "height": height},
            code="image_too_many_pixels",
        )
