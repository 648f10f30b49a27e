"""Images in lessons: what the upload keeps (a real PNG, JPEG, GIF or WebP within the
limits, under its content hash), what it refuses (with a reason, keeping nothing), who may
upload, and how a kept image is served."""

import hashlib
import io
import warnings

import pytest
from django.test import Client
from PIL import Image, PngImagePlugin

from lessons.content.images import ImageRefused, clean_image
from lessons.kernel.rendering import render_markdown

pytestmark = pytest.mark.django_db
URL = "/admin/lessons/lesson/images/"


def image_bytes(format="PNG", size=(8, 6), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=format)
    return buffer.getvalue()


def upload(client, data: bytes, name="diagram.png"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(URL, {"image": file})


def kept_files(media_root) -> list:
    folder = media_root / "lesson-images"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_it_keeps_a_png_under_its_content_hash(editor_client, media_root):
    data = image_bytes()

    response = upload(editor_client, data, name="파드 구조.png")

    [kept] = kept_files(media_root)
    digest = hashlib.sha256(kept.read_bytes()).hexdigest()
    assert response.status_code == 200
    assert response.json() == {
        "url": f"/media/lesson-images/{digest}.png",
        # Not the file's name: the editor is asked to describe the picture.
        "markdown": f"![](/media/lesson-images/{digest}.png)",
    }
    assert kept.name == f"{digest}.png"
    with Image.open(kept) as image:
        assert image.format == "PNG" and image.size == (8, 6)
        assert image.getpixel((0, 0)) == (200, 30, 30)


def test_the_same_file_twice_is_one_file_at_one_address(editor_client, media_root):
    data = image_bytes("JPEG")
    first = upload(editor_client, data, name="a.jpeg").json()
    second = upload(editor_client, data, name="other-name.png").json()
    assert first["url"] == second["url"]
    assert first["url"].endswith(".jpg")  # named for what it is, not for its file name
    assert len(kept_files(media_root)) == 1


@pytest.mark.parametrize("format", ["GIF", "WEBP"])
def test_it_keeps_gif_and_webp(editor_client, format):
    response = upload(editor_client, image_bytes(format), name="x.bin")
    assert response.status_code == 200
    assert response.json()["url"].endswith("." + format.lower())


def refused(client, media_root, data: bytes, name: str) -> str:
    response = upload(client, data, name=name)
    assert response.status_code == 400
    assert kept_files(media_root) == []
    return response.json()["error"]


def test_it_refuses_a_renamed_non_image(editor_client, media_root, settings):
    settings.LANGUAGE_CODE = "en"
    error = refused(editor_client, media_root, b"#!/bin/sh\nrm -rf /\n" * 20, "photo.png")
    assert error == "This file is not a PNG, JPEG, GIF or WebP image."


def test_it_says_so_in_korean(editor_client, media_root):
    error = refused(editor_client, media_root, b"not an image at all", "photo.png")
    assert "이미지" in error and "PNG" in error


def test_it_refuses_an_svg_with_a_script(editor_client, media_root, settings):
    settings.LANGUAGE_CODE = "en"
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    error = refused(editor_client, media_root, svg, "logo.svg")
    assert error == "SVG images are not accepted. Upload a PNG, JPEG, GIF or WebP."
    # Without the XML declaration, or renamed, it is refused all the same.
    assert "SVG" in refused(editor_client, media_root, svg[21:], "logo.png")


def test_it_refuses_a_file_over_the_byte_limit(editor_client, media_root, settings):
    settings.LANGUAGE_CODE = "en"
    settings.LESSON_IMAGE_MAX_BYTES = 1024 * 1024
    noisy = Image.frombytes("RGB", (800, 800), bytes(range(256)) * 7500)
    buffer = io.BytesIO()
    noisy.save(buffer, format="PNG", compress_level=0)
    assert len(buffer.getvalue()) > 1024 * 1024
    error = refused(editor_client, media_root, buffer.getvalue(), "big.png")
    assert error == "The image is too large: 1.8 MB, at most 1 MB."


def test_it_refuses_an_image_with_too_many_pixels(editor_client, media_root, settings):
    settings.LANGUAGE_CODE = "en"
    settings.LESSON_IMAGE_MAX_PIXELS = 10_000
    error = refused(editor_client, media_root, image_bytes(size=(101, 100)), "wide.png")
    assert error == "The image has too many pixels: at most 0.01 megapixels."


def test_it_refuses_a_decompression_bomb(editor_client, media_root, settings):
    settings.LANGUAGE_CODE = "en"
    # A few kilobytes that would decode to 30,000 x 30,000 pixels (2.7 GB in memory).
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        Image.new("1", (30_000, 30_000)).save(buffer, format="PNG", optimize=True)
    assert len(buffer.getvalue()) < 1024 * 1024
    error = refused(editor_client, media_root, buffer.getvalue(), "bomb.png")
    assert error == "The image has too many pixels: at most 40 megapixels."


def test_it_refuses_a_truncated_image(editor_client, media_root, settings):
    settings.LANGUAGE_CODE = "en"
    error = refused(editor_client, media_root, image_bytes("JPEG", (200, 200))[:400], "cut.jpg")
    assert error == "The image is damaged and cannot be read."


def test_it_refuses_other_image_formats():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="BMP")
    with pytest.raises(ImageRefused):
        clean_image(buffer.getvalue())


def test_a_post_without_a_file_is_refused(editor_client, media_root):
    response = editor_client.post(URL, {})
    assert response.status_code == 400
    assert response.json()["error"]


def test_only_editors_may_upload(alice_client, client, media_root):
    data = image_bytes()
    assert upload(alice_client, data).status_code == 302  # to the admin's sign-in
    assert upload(client, data).status_code == 302
    assert kept_files(media_root) == []


def test_staff_without_the_lesson_permission_may_not_upload(media_root, db):
    from tests.conftest import make_user

    staff = make_user("helper", is_staff=True)
    client = Client()
    client.force_login(staff)
    assert upload(client, image_bytes()).status_code == 403
    assert kept_files(media_root) == []


def test_get_is_not_allowed(editor_client):
    assert editor_client.get(URL).status_code == 405


def test_a_forged_post_without_the_csrf_token_is_refused(editor, media_root):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert upload(client, image_bytes()).status_code == 403
    assert kept_files(media_root) == []


def test_a_kept_image_is_served_with_a_long_cache_life(editor_client, client, media_root):
    url = upload(editor_client, image_bytes("WEBP")).json()["url"]
    [kept] = kept_files(media_root)

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"".join(response.streaming_content) == kept.read_bytes()
    # The same for the signed-in editor: the file is nobody's private page.
    assert editor_client.get(url)["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    "name",
    ["../../settings.py", "x.svg", "a" * 64 + ".svg", "A" * 64 + ".png", "b" * 64 + ".png"],
)
def test_nothing_else_is_served_from_the_media_folder(client, name):
    assert client.get(f"/media/lesson-images/{name}").status_code == 404


def test_a_lesson_shows_uploaded_and_https_images():
    html = render_markdown(
        "![a](/media/lesson-images/" + "c" * 64 + ".png)\n\n![b](https://example.com/x.png)\n\n"
        "![c](javascript:alert(1))"
    ).html
    assert f'<img alt="a" src="/media/lesson-images/{"c" * 64}.png">' in html
    assert '<img alt="b" src="https://example.com/x.png">' in html
    assert "javascript" not in html


# ---- Re-encoded on upload: no metadata kept, orientation applied, every frame counted ----

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def photo_with_gps(format="JPEG") -> bytes:
    """An 8 x 6 photo taken on its side (orientation 6: turn 90° clockwise to view), with
    where it was taken and the camera in its EXIF."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x0110] = "Phone X"  # camera model
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 58.0, 41.0)})
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (10, 120, 200)).save(buffer, format=format, exif=exif)
    return buffer.getvalue()


@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP"])
def test_it_keeps_no_exif_and_stands_the_photo_the_right_way_up(editor_client, media_root, format):
    data = photo_with_gps(format)
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(GPS_IFD)  # the upload has them

    assert upload(editor_client, data, name="photo.bin").status_code == 200

    [kept] = kept_files(media_root)
    raw = kept.read_bytes()
    with Image.open(kept) as image:
        assert image.size == (6, 8)  # turned as its orientation said
        assert not image.getexif()
        assert "exif" not in image.info
    assert b"Phone X" not in raw and b"Exif" not in raw


def animation(format: str, frames: int, size=(50, 50)) -> bytes:
    pictures = [Image.new("RGB", size, (n * 40 % 256, 80, 160)) for n in range(frames)]
    buffer = io.BytesIO()
    pictures[0].save(
        buffer, format=format, save_all=True, append_images=pictures[1:], duration=120, loop=0
    )
    return buffer.getvalue()


@pytest.mark.parametrize("format", ["GIF", "WEBP"])
def test_it_counts_the_pixels_of_every_frame(editor_client, media_root, settings, format):
    settings.LANGUAGE_CODE = "en"
    settings.LESSON_IMAGE_MAX_PIXELS = 10_000  # one 50 x 50 frame is 2,500
    error = refused(editor_client, media_root, animation(format, 5), "moving.bin")
    assert error == "The image has too many pixels: at most 0.01 megapixels."


def test_it_refuses_an_animation_with_too_many_frames(editor_client, media_root, settings):
    settings.LANGUAGE_CODE = "en"
    settings.LESSON_IMAGE_MAX_FRAMES = 3
    error = refused(editor_client, media_root, animation("GIF", 4, (4, 4)), "moving.gif")
    assert error == "The animation has too many frames: 4, at most 3."


@pytest.mark.parametrize("format", ["GIF", "WEBP"])
def test_it_keeps_an_animation_within_the_limits_moving(editor_client, media_root, format):
    assert upload(editor_client, animation(format, 3), name="moving.bin").status_code == 200
    [kept] = kept_files(media_root)
    with Image.open(kept) as image:
        assert image.n_frames == 3
        image.seek(2)
        image.load()
        assert image.info["duration"] == 120


def test_it_keeps_no_comment_or_text_chunk(editor_client, media_root):
    gif, png = io.BytesIO(), io.BytesIO()
    Image.new("P", (5, 5), 1).save(gif, format="GIF", comment=b"taken at home, 37.5N")
    text = PngImagePlugin.PngInfo()
    text.add_text("Location", "taken at home, 37.5N")
    Image.new("RGB", (5, 5)).save(png, format="PNG", pnginfo=text)
    for data in (gif.getvalue(), png.getvalue()):
        assert b"taken at home" in data
        assert upload(editor_client, data, name="x.bin").status_code == 200
    assert all(b"taken at home" not in kept.read_bytes() for kept in kept_files(media_root))
