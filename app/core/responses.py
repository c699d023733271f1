"""Response classes: fast JSON and problem+json."""

from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import JSONResponse

PROBLEM_TYPE_BASE = "https://kap-journal.example/problems/"


class ORJSONResponse(JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_UTC_Z)


class ProblemResponse(ORJSONResponse):
    media_type = "application/problem+json"


def problem_response(
    request: Request,
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> ProblemResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "code": code,
    }
    if extra:
        body.update(extra)
    return ProblemResponse(body, status_code=status, headers=headers)
