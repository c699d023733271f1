"""Journal entries: the patient's own, and the shared ones for the care team."""

import uuid
from typing import Annotated, Any

from fastapi import Header, Query, status

from app.accounts.access import CareTeamPatientId
from app.accounts.deps import PatientCaller
from app.accounts.locale import CallerLocale, PatientLocale
from app.audit.deps import AuditDep
from app.core.clock import Now
from app.core.context import Ctx
from app.core.db import ReadOnly, SessionDep
from app.core.errors import problem_responses
from app.core.pagination import Cursor, Limit, Page, decode_cursor, encode_cursor
from app.core.responses import ORJSONResponse
from app.core.routing import api_router
from app.entries import queries, service
from app.entries.deps import OwnEntry, Readable
from app.entries.models import JournalEntry
from app.entries.presenters import change_view, entry_view
from app.entries.schemas import EntryCreate, EntryPublic, EntryUpdate, SyncPage
from app.notifications.reminders import reschedule_patient
from app.reviews.service import review_view, reviews_by_entry
from app.safety.schemas import EntrySafety
from app.safety.service import resources_for, screen_entry
from app.sessions.deps import Rules

router = api_router(prefix="/v1", tags=["entries"])

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(alias="Idempotency-Key", min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$"),
]
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=200)]


@router.post(
    "/entries",
    status_code=status.HTTP_201_CREATED,
    response_model=EntryPublic,
    responses=problem_responses(401, 403, 409, 410, 422),
)
def create_entry(
    body: EntryCreate,
    caller: PatientCaller,
    locale: PatientLocale,
    db: SessionDep,
    ctx: Ctx,
    rules: Rules,
    now: Now,
    idempotency_key: IdempotencyKeyHeader = None,
) -> ORJSONResponse:
    """Write an entry; a retry with the same id or Idempotency-Key returns the same entry."""
    created = service.create_entry(
        db,
        patient_id=caller.id,
        new=service.NewEntry(**body.model_dump()),
        idempotency_key=idempotency_key,
        keyring=ctx.keyring,
        rules=rules,
        now=now,
    )
    entry = created.entry
    headers = {"ETag": service.etag(entry), "Location": f"/v1/entries/{entry.id}"}
    if created.replayed:
        headers["Idempotent-Replayed"] = "true"
    flag = _screen(db, entry, body.body, ctx, now, locale, replay=created.replayed)
    # A new entry's window is known from the create; a replay's is looked up.
    row = (entry, created.session_at) if not created.replayed else None
    return _one(db, entry, ctx, rules, flag, status=201, headers=headers, row=row)


@router.get("/entries", dependencies=[ReadOnly], responses=problem_responses(400, 401, 403, 422))
def list_entries(
    caller: PatientCaller,
    db: SessionDep,
    ctx: Ctx,
    rules: Rules,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ORJSONResponse:
    """The patient's own entries, newest first."""
    rows, next_cursor = queries.page_entries(db, patient_id=caller.id, limit=limit, cursor=cursor)
    items = [entry_view(e, t, keyring=ctx.keyring, rules=rules) for e, t in rows]
    return ORJSONResponse({"items": items, "next_cursor": next_cursor})


@router.get(
    "/entries/sync",
    dependencies=[ReadOnly],
    response_model=SyncPage,
    responses=problem_responses(400, 401, 403, 422),
)
def sync_entries(
    caller: PatientCaller,
    db: SessionDep,
    ctx: Ctx,
    rules: Rules,
    since: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> ORJSONResponse:
    """Every change since the token, tombstones included, and the next token."""
    after = int(decode_cursor(since, int)[0]) if since else 0
    rows = queries.changes_since(db, patient_id=caller.id, since=after, limit=limit)
    last = rows[-1][0].change_seq if rows else after
    changes = [change_view(e, t, keyring=ctx.keyring, rules=rules) for e, t in rows]
    return ORJSONResponse(
        {"changes": changes, "next_since": encode_cursor(last), "has_more": len(rows) == limit}
    )


def _screen(
    db: SessionDep,
    entry: JournalEntry,
    text: str | None,
    ctx: Ctx,
    now: Now,
    locale: CallerLocale,
    replay: bool = False,
) -> EntrySafety | None:
    if text is None:
        return None
    lang = locale.of(db)
    resources = resources_for(ctx.settings.crisis_resources, lang)
    return screen_entry(
        db, entry=entry, text=text, resources=resources, now=now, replay=replay, locale=lang
    )


def _add_reviews(db: SessionDep, views: list[dict[str, Any]], ctx: Ctx) -> None:
    """Care-team views carry the reviews; the patient never sees a therapist's note."""
    reviews = reviews_by_entry(db, [v["id"] for v in views])
    for v in views:
        v["reviews"] = [review_view(r, v["version"], ctx.keyring) for r in reviews.get(v["id"], [])]


def _one(
    db: SessionDep,
    entry: JournalEntry,
    ctx: Ctx,
    rules: Rules,
    safety: EntrySafety | None = None,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    with_reviews: bool = False,
    row: queries.Row | None = None,
) -> ORJSONResponse:
    row = row or queries.entry_with_session_time(db, entry)
    view = entry_view(*row, keyring=ctx.keyring, rules=rules)
    if with_reviews:
        _add_reviews(db, [view], ctx)
    if safety is not None:
        view["safety"] = safety.model_dump(mode="json")
    all_headers = {"ETag": service.etag(entry)} | (headers or {})
    return ORJSONResponse(view, status_code=status, headers=all_headers)


@router.get(
    "/entries/{entry_id}", response_model=EntryPublic, responses=problem_responses(401, 404, 422)
)
def read_entry(
    readable: Readable, db: SessionDep, ctx: Ctx, rules: Rules, audit: AuditDep
) -> ORJSONResponse:
    """One entry, with its ETag."""
    entry = readable.entry
    audit.record(
        "entry.read", patient_id=entry.patient_id, resource_type="entry", resource_id=entry.id
    )
    response = _one(db, entry, ctx, rules, with_reviews=not readable.by_owner)
    return response


@router.patch(
    "/entries/{entry_id}",
    response_model=EntryPublic,
    responses=problem_responses(401, 403, 404, 412, 422, 428),
)
def update_entry(
    entry: OwnEntry,
    body: EntryUpdate,
    locale: PatientLocale,
    db: SessionDep,
    ctx: Ctx,
    rules: Rules,
    now: Now,
    if_match: IfMatch = None,
) -> ORJSONResponse:
    """Edit the text, mood or sharing; needs If-Match."""
    changes = body.model_dump(exclude_unset=True)
    entry = service.update_entry(
        db, entry=entry, changes=changes, if_match=if_match, keyring=ctx.keyring, now=now
    )
    flag = _screen(db, entry, changes.get("body"), ctx, now, locale)
    return _one(db, entry, ctx, rules, flag)


@router.delete(
    "/entries/{entry_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 412, 428),
)
def delete_entry(
    entry: OwnEntry, db: SessionDep, rules: Rules, now: Now, if_match: IfMatch = None
) -> None:
    """Delete an entry; its text is erased and a tombstone syncs to other devices."""
    service.delete_entry(db, entry=entry, if_match=if_match, now=now)
    reschedule_patient(db, patient_id=entry.patient_id, rules=rules, now=now)


@router.get(
    "/patients/{patient_id}/entries",
    response_model=Page[EntryPublic],
    responses=problem_responses(400, 401, 404, 422),
)
def list_patient_entries(
    patient_id: CareTeamPatientId,
    db: SessionDep,
    ctx: Ctx,
    rules: Rules,
    audit: AuditDep,
    session_id: Annotated[uuid.UUID | None, Query()] = None,
    reviewed: Annotated[bool | None, Query()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ORJSONResponse:
    """The patient's shared entries, newest first (care team); `reviewed=false` for the rest."""
    rows, next_cursor = queries.page_entries(
        db,
        patient_id=patient_id,
        limit=limit,
        cursor=cursor,
        shared_only=True,
        session_id=session_id,
        reviewed=reviewed,
    )
    audit.record("entry.list", patient_id=patient_id, resource_type="entry", resource_id=session_id)
    items = [entry_view(e, t, keyring=ctx.keyring, rules=rules) for e, t in rows]
    _add_reviews(db, items, ctx)
    return ORJSONResponse({"items": items, "next_cursor": next_cursor})
