"""Conditional GETs: `If-None-Match` with the current `ETag` answers 304 and no body.

A resource with a version (an entry, the safety plan) uses the version's ETag, the
one `If-Match` takes; a computed view (a list, the window, what is due) uses a hash of
the body it would send.
"""

import hashlib
from typing import Annotated, Any

from fastapi import Header, Response

from app.core.responses import ORJSONResponse

IfNoneMatch = Annotated[
    str | None,
    Header(
        alias="If-None-Match",
        max_length=1000,
        description="The `ETag` of the copy the client holds: 304 and no body if it is current",
    ),
]

NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {
        "description": "Not modified: the copy named by `If-None-Match` is current",
        "headers": {"ETag": {"$ref": "#/components/headers/ETag"}},
    }
}


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or etag in tags


def conditional(
    content: Any, if_none_match: str | None, *, etag: str | None = None, status: int = 200
) -> Response:
    """The JSON answer with its ETag, or 304 when the client's copy is current."""
    response = ORJSONResponse(content, status_code=status)
    tag = etag or '"h' + hashlib.sha256(response.body).hexdigest()[:32] + '"'
    if _matches(if_none_match, tag):
        return Response(status_code=304, headers={"ETag": tag})
    response.headers["ETag"] = tag
    return response
