"""Lesson images: the editors' upload (through the lesson admin) and, where files live on
the local disk, serving them with a year-long cache life (the name is the content hash)."""

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from lessons.content.images import CONTENT_TYPES, STORED_NAME, ImageRefused, store_image

IMMUTABLE = "public, max-age=31536000, immutable"


def upload_image(model_admin, request: HttpRequest) -> JsonResponse:
    """POST `image`: the Markdown pointing at the kept image, or 400 with the reason."""
    if not model_admin.has_change_permission(request) and not model_admin.has_add_permission(
        request
    ):
        raise PermissionDenied
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"error": _("Choose an image to upload.")}, status=400)
    try:
        stored = store_image(upload.read())
    except ImageRefused as refusal:
        return JsonResponse({"error": str(refusal)}, status=400)
    # No alt text from the file's name ("IMG_0412"): the editor is asked to describe it.
    return JsonResponse({"url": stored.url, "markdown": f"![]({stored.url})"})


def serve_image(request: HttpRequest, name: str) -> FileResponse:
    name = f"lesson-images/{name}"
    if not STORED_NAME.match(name) or not default_storage.exists(name):
        raise Http404
    extension = name.rsplit(".", 1)[1]
    response = FileResponse(default_storage.open(name), content_type=CONTENT_TYPES[extension])
    response["Cache-Control"] = IMMUTABLE
    return response
