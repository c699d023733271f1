"""Journal entries: the patient's own, and the shared ones for the care team."""

import uuid
from typing import Annotated, Any, Literal

from fastapi import Header, Query, status

from app.accounts.access import CareTeamPatientId
from app.accounts.deps import PatientCaller
from app.accounts.locale import PatientLocale
from app.audit.deps import AuditDep
from app.core.clock import Now
from app.core.context import Ctx
from app.core.db import ReadOnly, SessionDep
from app.core.errors import problem_responses
from app.core.fields import IdempotencyKeyHeader
from app.core.openapi import response_headers
from app.core.pagination import TOKEN_PATTERN, Cursor, Limit, Page, decode_cursor, encode_cursor
from app.core.responses import ORJSONResponse
from app.core.routing import api_router
from app.entries import queries, service
from app.entries.deps import OwnEntry, Readable
from app.entries.models import JournalEntry
from app.entries.presenters import change_view, entry_view
from app.entries.schemas import EntryCreate, EntryPublic, EntryUpdate, SyncPage
from app.questionnaires.deps import measure_rules_from
from app.questionnaires.reading import questionnaire_changes
from app.reviews.service import review_view, reviews_by_entry
from app.safety.plan import changed_since
from app.safety.schemas import EntrySafety
from app.safety.service import Escalation, resources_for
from app.sessions.deps import Rules
from app.usecases import entries as entry_written

router = api_router(prefix="/v1", tags=["entries"])

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        description='The ETag of the version being changed, e.g. `"v3"` (428 without it)',
    ),
]
_ETAG = response_headers(200, "ETag")


@router.post(
    "/entries",
    status_code=status.HTTP_201_CREATED,
    response_model=EntryPublic,
    responses=response_headers(201, "ETag", "Location", "Idempotent-Replayed")
    | problem_responses(401, 403, 409, 410, 422),
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
    created, flag = entry_written.write_entry(
        db,
        patient_id=caller.id,
        new=service.NewEntry(**body.model_dump()),
        idempotency_key=idempotency_key,
        keyring=ctx.keyring,
        rules=rules,
        resources=resources_for(ctx.settings.crisis_resources, locale.of(db)),
        escalation=Escalation.from_settings(ctx.settings),
        measure_rules=measure_rules_from(ctx.settings),
        locale=locale.of(db),
        now=now,
    )
    entry = created.entry
    headers = {"ETag": service.etag(entry), "Location": f"/v1/entries/{service.public_id(entry)}"}
    if created.replayed:
        headers["Idempotent-Replayed"] = "true"
    # A new entry's window is known from the create; a replay's is looked up.
    row = (entry, created.session_at) if not created.replayed else None
    return _one(db, entry, ctx, rules, flag, status=201, headers=headers, row=row)


@router.get(
    "/entries",
    dependencies=[ReadOnly],
    response_model=Page[EntryPublic],
    responses=problem_responses(400, 401, 403, 422),
)
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
    items = [entry_view(e, t, keyring=ctx.keyring, rules=rules, owner=True) for e, t in rows]
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
    since: Annotated[
        str | None,
        Query(
            max_length=200,
            pattern=TOKEN_PATTERN,
            description="The `next_since` of the previous sync; omit for everything. One "
            "that matches the pattern but was not made by the server answers 400 "
            "`invalid_cursor`",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    shape: Annotated[
        Literal["union", "envelope"],
        Query(
            description="`envelope` for clients whose generator cannot read the `changes` "
            "union (kotlinx): the changes come in `envelopes` instead"
        ),
    ] = "union",
) -> ORJSONResponse:
    """Every change since the token, tombstones included, and the next token."""
    after = int(decode_cursor(since, int)[0]) if since else 0
    rows = queries.changes_since(db, patient_id=caller.id, since=after, limit=limit)
    last = rows[-1][0].change_seq if rows else after
    changes = [change_view(e, t, keyring=ctx.keyring, rules=rules) for e, t in rows]
    answers, last, more = questionnaire_changes(
        db,
        patient_id=caller.id,
        after=after,
        last=last,
        full=len(rows) == limit,
        limit=limit,
        keyring=ctx.keyring,
        rules=rules,
    )
    has_more = len(rows) == limit or more
    # The safety plan takes its numbers from the same sequence: sent while it is
    # newer than the token, and counted in the next token once no changes remain.
    plan = changed_since(db, ctx.keyring, patient_id=caller.id, since=after)
    if plan is not None and not has_more:
        last = max(last, plan[1])
    return ORJSONResponse(
        {
            "changes": changes,
            "next_since": encode_cursor(last),
            "has_more": has_more,
            "safety_plan": plan[0].model_dump(mode="json") if plan is not None else None,
            "questionnaire_responses": answers,
        }
        | (_as_envelopes(changes) if shape == "envelope" else {})
    )


def _as_envelopes(changes: list[dict[str, Any]]) -> dict[str, Any]:
    envelopes = [{"kind": c["kind"], c["kind"]: c} for c in changes]
    return {"changes": [], "envelopes": envelopes}


def _add_reviews(
    db: SessionDep, views: list[dict[str, Any]], ctx: Ctx, viewer: uuid.UUID | None = None
) -> None:
    """Care-team views carry the reviews; the patient never sees a therapist's note."""
    reviews = reviews_by_entry(db, [v["id"] for v in views])
    for v in views:
        v["reviews"] = [
            review_view(r, v["version"], ctx.keyring, viewer) for r in reviews.get(v["id"], [])
        ]


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
    viewer: uuid.UUID | None = None,
    owner: bool = True,
) -> ORJSONResponse:
    row = row or queries.entry_with_session_time(db, entry)
    view = entry_view(*row, keyring=ctx.keyring, rules=rules, owner=owner)
    if with_reviews:
        _add_reviews(db, [view], ctx, viewer)
    if safety is not None:
        view["safety"] = safety.model_dump(mode="json")
    all_headers = {"ETag": service.etag(entry)} | (headers or {})
    return ORJSONResponse(view, status_code=status, headers=all_headers)


@router.get(
    "/entries/{entry_id:uuid}",
    response_model=EntryPublic,
    responses=_ETAG | problem_responses(401, 404, 422),
)
def read_entry(
    readable: Readable, db: SessionDep, ctx: Ctx, rules: Rules, audit: AuditDep
) -> ORJSONResponse:
    """One entry, with its ETag."""
    entry = readable.entry
    audit.record(
        "entry.read", patient_id=entry.patient_id, resource_type="entry", resource_id=entry.id
    )
    response = _one(
        db,
        entry,
        ctx,
        rules,
        with_reviews=not readable.by_owner,
        viewer=audit.actor_id,
        owner=readable.by_owner,
    )
    return response


@router.patch(
    "/entries/{entry_id:uuid}",
    response_model=EntryPublic,
    responses=_ETAG | problem_responses(401, 403, 404, 412, 422, 428),
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
    entry, flag = entry_written.edit_entry(
        db,
        entry=entry,
        changes=changes,
        if_match=if_match,
        keyring=ctx.keyring,
        resources=resources_for(ctx.settings.crisis_resources, locale.of(db)),
        escalation=Escalation.from_settings(ctx.settings),
        measure_rules=measure_rules_from(ctx.settings),
        locale=locale.of(db),
        now=now,
    )
    return _one(db, entry, ctx, rules, flag)


@router.delete(
    "/entries/{entry_id:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 412, 428),
)
def delete_entry(
    entry: OwnEntry, db: SessionDep, rules: Rules, now: Now, if_match: IfMatch = None
) -> None:
    """Delete an entry; its text is erased and a tombstone syncs to other devices."""
    entry_written.delete_entry(db, entry=entry, if_match=if_match, rules=rules, now=now)


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
    _add_reviews(db, items, ctx, audit.actor_id)
    return ORJSONResponse({"items": items, "next_cursor": next_cursor})
