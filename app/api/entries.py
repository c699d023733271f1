"""Journal entries: the patient's own, and the shared ones for the care team."""

import uuid
from typing import Annotated, Any, Literal

from fastapi import Header, Query, Response, status

from app.accounts.access import CareTeamPatientId
from app.accounts.deps import PatientCaller
from app.accounts.locale import PatientLocale
from app.api.deps import ActDep
from app.core.conditional import NOT_MODIFIED, IfNoneMatch, conditional
from app.core.context import Ctx
from app.core.db import DbDep, ReadOnly
from app.core.errors import problem_responses
from app.core.fields import IdempotencyKeyHeader
from app.core.openapi import response_headers
from app.core.pagination import TOKEN_PATTERN, Cursor, Limit, Page, decode_cursor, encode_cursor
from app.core.responses import ORJSONResponse
from app.core.routing import api_router
from app.entries import queries, service
from app.entries.deps import OwnEntry, Readable
from app.entries.presenters import change_view, entry_view
from app.entries.schemas import EntryCreate, EntryPublic, EntryUpdate, SyncPage
from app.questionnaires.reading import questionnaire_changes
from app.safety.plan import changed_since
from app.sessions.deps import Rules
from app.usecases import entries as use

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
    act: ActDep,
    locale: PatientLocale,
    _caller: PatientCaller,
    idempotency_key: IdempotencyKeyHeader = None,
) -> ORJSONResponse:
    """Write an entry; a retry with the same id or Idempotency-Key returns the same entry."""
    new = service.NewEntry(**body.model_dump())
    written = use.write_entry(
        act, new=new, idempotency_key=idempotency_key, locale=locale.of(act.db)
    )
    entry = written.entry
    headers = {"ETag": service.etag(entry), "Location": f"/v1/entries/{service.public_id(entry)}"}
    if written.replayed:
        headers["Idempotent-Replayed"] = "true"
    return ORJSONResponse(written.view, status_code=201, headers=headers)


@router.get(
    "/entries",
    dependencies=[ReadOnly],
    response_model=Page[EntryPublic],
    responses=_ETAG | NOT_MODIFIED | problem_responses(401, 403, 410, 422),
)
def list_entries(
    caller: PatientCaller,
    db: DbDep,
    ctx: Ctx,
    rules: Rules,
    limit: Limit = 50,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The patient's own entries, newest first."""
    rows, next_cursor = queries.page_entries(db, patient_id=caller.id, limit=limit, cursor=cursor)
    items = [entry_view(e, t, keyring=ctx.keyring, rules=rules, owner=True) for e, t in rows]
    return conditional({"items": items, "next_cursor": next_cursor}, if_none_match)


@router.get(
    "/entries/sync",
    dependencies=[ReadOnly],
    response_model=SyncPage,
    responses=problem_responses(401, 403, 410, 422),
)
def sync_entries(
    caller: PatientCaller,
    db: DbDep,
    ctx: Ctx,
    rules: Rules,
    since: Annotated[
        str | None,
        Query(
            max_length=200,
            pattern=TOKEN_PATTERN,
            description="The `next_since` of the previous sync; omit for everything. One "
            "that matches the pattern but was not made by the server answers 410 "
            "`invalid_cursor`: sync again from the start (without `since`)",
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


@router.get(
    "/entries/{entry_id:uuid}",
    response_model=EntryPublic,
    responses=_ETAG | NOT_MODIFIED | problem_responses(401, 404, 422),
)
def read_entry(readable: Readable, act: ActDep, if_none_match: IfNoneMatch = None) -> Response:
    """One entry, with its ETag; the patient's `If-None-Match` with it answers 304."""
    view = use.read_entry(act, readable)
    if not readable.by_owner:  # the care team's view also carries reviews: always sent
        return ORJSONResponse(view, headers={"ETag": service.etag(readable.entry)})
    return conditional(view, if_none_match, etag=service.etag(readable.entry))


@router.patch(
    "/entries/{entry_id:uuid}",
    response_model=EntryPublic,
    responses=_ETAG | problem_responses(401, 403, 404, 412, 422, 428),
)
def update_entry(
    entry: OwnEntry,
    body: EntryUpdate,
    locale: PatientLocale,
    act: ActDep,
    if_match: IfMatch = None,
) -> ORJSONResponse:
    """Edit the text, mood or sharing; needs If-Match."""
    changes = body.model_dump(exclude_unset=True)
    written = use.edit_entry(
        act, entry=entry, changes=changes, if_match=if_match, locale=locale.of(act.db)
    )
    return ORJSONResponse(written.view, headers={"ETag": service.etag(written.entry)})


@router.delete(
    "/entries/{entry_id:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 412, 428),
)
def delete_entry(entry: OwnEntry, act: ActDep, if_match: IfMatch = None) -> None:
    """Delete an entry; its text is erased and a tombstone syncs to other devices."""
    use.delete_entry(act, entry=entry, if_match=if_match)


@router.get(
    "/patients/{patient_id}/entries",
    response_model=Page[EntryPublic],
    responses=problem_responses(401, 404, 410, 422),
)
def list_patient_entries(
    patient_id: CareTeamPatientId,
    act: ActDep,
    session_id: Annotated[uuid.UUID | None, Query()] = None,
    reviewed: Annotated[bool | None, Query()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ORJSONResponse:
    """The patient's shared entries, newest first (care team); `reviewed=false` for the rest."""
    items, next_cursor = use.list_patient_entries(
        act,
        patient_id=patient_id,
        session_id=session_id,
        reviewed=reviewed,
        limit=limit,
        cursor=cursor,
    )
    return ORJSONResponse({"items": items, "next_cursor": next_cursor})
