"""Checks on uploaded images that every content type applies.

The content decides what a file is, never its name or the content type the browser sent; sizes
are checked before Pillow decodes anything.
"""

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

# What an image field accepts: Pillow's format names, and the message that says so.
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
IMAGE_FORMATS_MESSAGE = _("Upload a JPEG, PNG, WebP or GIF image.")


def is_new_upload(upload):
    """False for an empty field and for a file already stored: that was checked when it was
    uploaded, and checking it again on every edit would lock records out of editing whenever a
    limit is lowered."""
    return bool(upload) and not getattr(upload, "_committed", False)


def image_format(upload, formats=IMAGE_FORMATS, wrong_format=IMAGE_FORMATS_MESSAGE):
    """The upload's format (one of `formats`), or ValidationError: too many bytes, not an image
    or a damaged one, another format, or too many pixels (decompression bombs included)."""
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
        # Pillow warns (DecompressionBombWarning) above MAX_IMAGE_PIXELS and raises above twice
        # that: make the warning an error too, so that both are a form error whatever the
        # process's warning filters are.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            if position is not None:
                upload.seek(0)
            with Image.open(upload, formats=list(formats)) as image:
                width, height = image.size
                kind = image.format
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            _("The image has too many pixels to be opened safely."),
            code="image_too_many_pixels",
        ) from error
    except UnidentifiedImageError as error:
        raise ValidationError(wrong_format, code="image_format") from error
    except (OSError, ValueError, SyntaxError) as error:
        raise ValidationError(
            _("Upload a valid image: the file is not one, or it is damaged."),
            code="invalid_image",
        ) from error
    finally:
        if position is not None:
            upload.seek(position)
    if kind not in formats:
        raise ValidationError(wrong_format, code="image_format")
    if width * height > settings.PORTAL_IMAGE_MAX_PIXELS:
        raise ValidationError(
            _("The image is %(width)s × %(height)s pixels, which is too large."),
            params={"width": width, "height": height},
            code="image_too_many_pixels",
        )
    return kind


def validate_image_upload(upload):
    """The model field's validator: a new upload must be an image within the portal's limits."""
    if is_new_upload(upload):
        image_format(upload)
