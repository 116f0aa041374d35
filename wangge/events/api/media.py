"""The one media route Django serves itself: the metadata-free public copies of photos.

Public copies are content-addressed (`attachments.public_name`) and carry no EXIF, so the
tracking-code view may link them for anyone. Originals and thumbnails never get a media
route: staff download them through the scope-checked API (`events/api/files.py`). The
embedded default has no web server in front, so without this view the `public_url` links
the API hands out would be 404s; in production the web server may serve
`MEDIA_ROOT/public/` itself and this view is simply never reached.
"""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from wangge.events.attachments import public_content_type

# A content-addressed copy never changes under its name.
IMMUTABLE = "public, max-age=31536000, immutable"


@require_safe
def public_copy(request: HttpRequest, shard: str, name: str) -> FileResponse:
    storage_name = f"public/{shard}/{name}"
    content_type = public_content_type(storage_name)
    if content_type is None:
        raise Http404("no such public copy")
    try:
        handle = default_storage.open(storage_name)
    except FileNotFoundError as exc:
        raise Http404("no such public copy") from exc
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = IMMUTABLE
    return response
