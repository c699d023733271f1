"""Response classes: fast JSON and problem+json."""

from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import JSONResponse

PROBLEM_TYPE_BASE = "https://kap-journal.example/problems/"

# A problem answer is small whatever was sent: at most this many field errors, each
# with its location parts and message cut short, and never the input itself.
MAX_ERRORS = 20
MAX_LOC_PARTS = 8
MAX_LOC_CHARS = 64
MAX_MSG_CHARS = 200
MAX_DETAIL_CHARS = 1000


def _cut(value: object, limit: int) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _capped_errors(errors: list[Any]) -> list[dict[str, Any]]:
    """The first MAX_ERRORS errors with only loc, msg and type, each cut short.

    Only those three keys go out: an `input` or `ctx` would echo what was sent,
    which may be a person's health text or megabytes of it.
    """
    out = []
    for err in errors[:MAX_ERRORS]:
        loc = err.get("loc", []) if isinstance(err, dict) else []
        parts = [_cut(p, MAX_LOC_CHARS) for p in list(loc)[:MAX_LOC_PARTS]]
        if len(loc) > MAX_LOC_PARTS:
            parts.append("…")
        out.append(
            {
                "loc": parts,
                "msg": _cut(err.get("msg", ""), MAX_MSG_CHARS),
                "type": _cut(err.get("type", ""), MAX_LOC_CHARS),
            }
        )
    return out


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
    errors = body.get("errors")
    if isinstance(errors, list):
        body["errors"] = _capped_errors(errors)
        body.setdefault("error_count", len(errors))
    body["detail"] = _cut(body["detail"], MAX_DETAIL_CHARS)
    return ProblemResponse(body, status_code=status, headers=headers)
