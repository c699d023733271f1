"""Rendering pages: templates, the security headers, and errors as HTML pages."""

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import structlog
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates
from starlette.types import Message, Receive, Scope, Send

from app.clinic.auth import COOKIE, ClinicUser, cookie_tokens, csrf_for_sign_in
from app.clinic.errors import SignInRequired
from app.clinic.i18n import (
    LANG_COOKIE,
    LANGUAGE_CHOICES,
    _,
    current,
    date_names,
    gettext,
    ngettext,
)
from app.core.clock import utcnow
from app.core.context import AppContext
from app.core.errors import AppError, status_code_and_title
from app.core.middleware import HttpMiddleware
from app.core.security import decode_access_token

HERE = Path(__file__).parent
PREFIX = "/clinic"
templates = Jinja2Templates(directory=HERE / "templates")
# {% trans %} and _() translate with the request's language (app/clinic/i18n.py).
templates.env.add_extension("jinja2.ext.i18n")
templates.env.policies["ext.i18n.trimmed"] = True  # a text's line breaks are not its words
# Old-style gettext: a plain call per text, half the cost of the new style's wrapper
# (texts are escaped on output like any value; a block's variables are escaped in it).
templates.env.install_gettext_callables(gettext, ngettext, newstyle=False)  # type: ignore[attr-defined]
log = structlog.get_logger("kap_journal.clinic")

# No inline script or style anywhere: everything comes from /clinic/static.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
# nosniff and no-referrer come from the API's outer middleware, on every response.
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders(HttpMiddleware):
    """Every clinic response: a strict CSP and no caching of pages (patient data)."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        static = "/static/" in scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    h for h in message.get("headers", []) if h[0].lower() != b"cache-control"
                ]
                headers += _HEADERS
                headers.append((b"cache-control", b"no-cache" if static else b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def local_time(value: datetime | None, tz: str = "UTC", fmt: str = "%a %d %b %Y, %H:%M %Z") -> str:
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(tz))
    return local.strftime(date_names(fmt, local))


def input_time(value: datetime | None, tz: str = "UTC") -> str:
    """The value of a datetime-local input, in the viewer's zone."""
    return local_time(value, tz, "%Y-%m-%dT%H:%M")


templates.env.filters["local_time"] = local_time
templates.env.filters["input_time"] = input_time


def set_cookie(response: Response, ctx: AppContext, value: str) -> None:
    response.set_cookie(
        COOKIE,
        value,
        max_age=ctx.settings.clinic_idle_minutes * 60,
        path=PREFIX,
        httponly=True,
        samesite="lax",
        secure=ctx.settings.env == "production",
    )


def set_language_cookie(response: Response, ctx: AppContext, locale: str) -> None:
    """Remember the staff member's language for pages that know no account."""
    response.set_cookie(
        LANG_COOKIE,
        locale,
        max_age=365 * 24 * 3600,
        path=PREFIX,
        httponly=True,
        samesite="lax",
        secure=ctx.settings.env == "production",
    )


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    user: ClinicUser | None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """A page (or an htmx fragment); a signed-in page renews the idle timeout."""
    ctx: AppContext = request.app.state.ctx
    full = {
        "user": user,
        "csrf": user.csrf if user else "",
        "prefix": PREFIX,
        "idle_seconds": ctx.settings.clinic_idle_minutes * 60,
        "lang": current(),
        "languages": LANGUAGE_CHOICES,
        "here": _asked_for(request),
    } | context
    response = templates.TemplateResponse(request, name, full, status_code=status, headers=headers)
    if user is not None:
        set_cookie(response, ctx, user.cookie)
        if request.cookies.get(LANG_COOKIE) != full["lang"]:
            set_language_cookie(response, ctx, full["lang"])
    return response


def redirect(request: Request, url: str, user: ClinicUser | None = None) -> Response:
    """After a form post: 303 for a plain browser, HX-Redirect for htmx."""
    if request.headers.get("HX-Request"):
        response: Response = Response(status_code=204, headers={"HX-Redirect": url})
    else:
        response = RedirectResponse(url, status_code=303)
    if user is not None:
        set_cookie(response, request.app.state.ctx, user.cookie)
    return response


def _csrf_from_cookie(request: Request) -> str:
    """Sign out on an error page too: the token of the sign-in checked by this request,
    or else of the cookie's, if it is still valid."""
    known: str | None = getattr(request.state, "clinic_csrf", None)
    if known:
        return known
    ctx: AppContext = request.app.state.ctx
    raw = request.cookies.get(COOKIE, "")
    claims = decode_access_token(cookie_tokens(ctx), raw, now=utcnow()) if raw else None
    return csrf_for_sign_in(ctx, claims.sign_in_id) if claims else ""


def _home_of(request: Request) -> str:
    """The signed-in person's first page: an admin's is the accounts page (the queue
    would answer them 404)."""
    ctx: AppContext = request.app.state.ctx
    raw = request.cookies.get(COOKIE, "")
    claims = decode_access_token(cookie_tokens(ctx), raw, now=utcnow()) if raw else None
    return (
        f"{PREFIX}/admin/users" if claims is not None and claims.role == "admin" else f"{PREFIX}/"
    )


def error_page(request: Request, status: int, title: str, detail: str = "") -> Response:
    csrf = _csrf_from_cookie(request)
    context = {
        "home": _home_of(request),
        "request": request,
        "status": status,
        "title": title,
        "detail": detail,
        "csrf": csrf,
        "signed_in": bool(csrf),
        "prefix": PREFIX,
        "lang": current(),
    }
    return templates.TemplateResponse(request, "error.html", context, status_code=status)


def safe_next(url: str) -> str:
    """A page of the clinic to return to after signing in, or "" for anything else
    (another site, a protocol-relative address, the sign-in pages themselves)."""
    if not url.startswith(PREFIX + "/") or url.startswith(PREFIX + "/login"):
        return ""
    if "//" in url or "\\" in url or any(c in url for c in "\r\n\t"):
        return ""
    return url


def _asked_for(request: Request) -> str:
    """The page that asked: the address of a GET, or the page an htmx request came from.
    A plain form post has no page to go back to (no Referer is sent): its page is
    carried by the draft the browser kept."""
    if request.headers.get("HX-Request"):
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        return safe_next(current.path + (f"?{current.query}" if current.query else ""))
    if request.method == "GET":
        query = request.url.query
        return safe_next(request.url.path + (f"?{query}" if query else ""))
    return ""


async def _sign_in_required(request: Request, exc: SignInRequired) -> Response:
    params = {"ended": "1"} if exc.ended else {}
    asked = _asked_for(request)
    if asked and asked != PREFIX + "/":
        params["next"] = asked
    url = f"{PREFIX}/login" + (f"?{urlencode(params)}" if params else "")
    response = redirect(request, url)
    if exc.ended:
        response.delete_cookie(COOKIE, path=PREFIX)
    return response


async def _app_error(request: Request, exc: AppError) -> Response:
    if exc.status == 404:
        # One page for whatever does not exist or is not the caller's: ids leak nothing.
        return error_page(request, 404, _("Page not found"))
    # Titles the clinic's catalogue knows are translated; others stay as the API says them.
    response = error_page(request, exc.status, _(exc.title), _(exc.detail) if exc.detail else "")
    response.headers.update(exc.headers)
    return response


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    if any(e.get("loc", ("",))[0] == "path" for e in exc.errors()):
        return error_page(request, 404, _("Page not found"))
    fields = sorted({str(e.get("loc", ("", ""))[-1]) for e in exc.errors()})
    detail = _("Check these fields: %(fields)s.") % {"fields": ", ".join(fields)}
    return error_page(request, 422, _("The form is not valid"), detail)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if exc.status_code == 404:
        return error_page(request, 404, _("Page not found"))
    return error_page(request, exc.status_code, _(status_code_and_title(exc.status_code)[1]))


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.error("unhandled_error", exc_info=exc)
    return error_page(request, 500, _("Something went wrong on our side"))


HANDLERS: dict[Any, Any] = {
    SignInRequired: _sign_in_required,
    AppError: _app_error,
    RequestValidationError: _validation_error,
    StarletteHTTPException: _http_error,
    Exception: _unexpected,
}
