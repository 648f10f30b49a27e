"""Images in lessons: an upload is decoded and re-encoded with Pillow before it is kept
(no metadata survives), stored through Django's storage API under the hash of its bytes,
and served with a year-long cache life.

Only raster formats browsers show safely are kept; SVG never is (it can carry scripts).
The same file uploaded twice is one file with one address."""

import hashlib
import re
import warnings
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

FOLDER = "lesson-images"
# Pillow's format name -> the file extension and content type the image is kept under.
FORMATS = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
CONTENT_TYPES = dict(FORMATS.values())
STORED_NAME = re.compile(rf"^{FOLDER}/[0-9a-f]{{64}}\.(?:{'|'.join(CONTENT_TYPES)})$")
SVG_START = re.compile(rb"^\s*(?:<\?xml|<!--|<!doctype svg|<svg)", re.IGNORECASE)


class ImageRefused(Exception):
    """An upload that is not kept; the message says why, in the editor's language."""


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    extension: str


@dataclass(frozen=True)
class StoredImage:
    name: str
    url: str


def clean_image(data: bytes) -> CleanImage:
    """The image re-encoded by Pillow, or ImageRefused: a real PNG, JPEG, GIF or WebP
    within the byte, frame and pixel limits (the pixels of every frame counted), decoded in
    full. Nothing of the upload but its pixels is kept: EXIF (GPS and the camera with it),
    XMP, comments and text chunks are left behind, and a photo's EXIF orientation is
    applied to its pixels first so it stands the right way up without it."""
    max_bytes = settings.LESSON_IMAGE_MAX_BYTES
    if len(data) > max_bytes:
        raise ImageRefused(
            _("The image is too large: %(size)s MB, at most %(limit)s MB.")
            % {"size": _megabytes(len(data)), "limit": _megabytes(max_bytes)}
        )
    if SVG_START.match(data[:512]):
        raise ImageRefused(_("SVG images are not accepted. Upload a PNG, JPEG, GIF or WebP."))
    try:
        with warnings.catch_warnings():
            # Pillow warns, then fails, on a decompression bomb; both mean too many pixels.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data), formats=list(FORMATS)) as image:
                frames = getattr(image, "n_frames", 1)
                _check_frames(frames)
                _check_pixels(image.width * image.height * frames)
                image.load()  # a truncated or corrupt file fails here, not in a browser
                return CleanImage(_reencoded(image, frames), FORMATS[image.format][0])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _check_pixels(settings.LESSON_IMAGE_MAX_PIXELS + 1)
    except UnidentifiedImageError:
        raise ImageRefused(_("This file is not a PNG, JPEG, GIF or WebP image.")) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ImageRefused(_("The image is damaged and cannot be read.")) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _reencoded(image: Image.Image, frames: int) -> bytes:
    """Pillow writes only what it is given here: pixels, the colour profile and, for an
    animation, each frame's timing."""
    out = BytesIO()
    kind = image.format
    keep = {"icc_profile": image.info["icc_profile"]} if image.info.get("icc_profile") else {}
    if kind in ("JPEG", "WEBP"):
        keep["quality"] = 90
    if kind == "GIF":
        keep["comment"] = b""  # Pillow would copy the upload's comment otherwise
    if frames > 1:
        durations = []
        for frame in ImageSequence.Iterator(image):
            frame.load()  # a WebP frame tells its duration once decoded
            durations.append(frame.info.get("duration", 100))
        image.seek(0)
        image.save(
            out,
            format=kind,
            save_all=True,
            duration=durations,
            loop=image.info.get("loop", 0),
            **keep,
        )
    else:
        ImageOps.exif_transpose(image).save(out, format=kind, **keep)
    return out.getvalue()


def _check_frames(frames: int) -> None:
    limit = settings.LESSON_IMAGE_MAX_FRAMES
    if frames > limit:
        raise ImageRefused(
            _("The animation has too many frames: %(frames)d, at most %(limit)d.")
            % {"frames": frames, "limit": limit}
        )


def _check_pixels(pixels: int) -> None:
    limit = settings.LESSON_IMAGE_MAX_PIXELS
    if pixels > limit:
        raise ImageRefused(
            _("The image has too many pixels: at most %(limit)s megapixels.")
            % {"limit": f"{limit / 1_000_000:g}"}
        )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def store_image(data: bytes) -> StoredImage:
    """Keep the checked, re-encoded image under the hash of its bytes; an image already
    kept is not written again."""
    image = clean_image(data)
    data = image.data
    name = f"{FOLDER}/{hashlib.sha256(data).hexdigest()}.{image.extension}"
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # the same bytes written at the same moment by another request
            default_storage.delete(saved)
    return StoredImage(name=name, url=default_storage.url(name))
