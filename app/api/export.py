"""The patient's own export: JSON, or a FHIR R4B bundle."""

from typing import Annotated, Any, Literal

from fastapi import Query

from app.accounts.deps import PatientCaller
from app.audit.service import record_access
from app.core.clock import Now
from app.core.context import Ctx, RequestId
from app.core.db import DbDep
from app.core.errors import problem_responses
from app.core.responses import ORJSONResponse
from app.core.routing import api_router
from app.export.schemas import FhirBundle, PatientExport
from app.export.service import export_patient, fhir_bundle
from app.sessions.deps import Rules

router = api_router(prefix="/v1", tags=["export"])


_BUNDLE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The export; a FHIR R4B Bundle with `?format=fhir`",
        "content": {
            "application/fhir+json": {
                "schema": FhirBundle.model_json_schema(ref_template="#/components/schemas/{model}")
            }
        },
    }
}


@router.get(
    "/me/export",
    response_model=PatientExport,
    responses=_BUNDLE | problem_responses(401, 403, 422, 429),
)
def export_me(
    caller: PatientCaller,
    db: DbDep,
    ctx: Ctx,
    rules: Rules,
    now: Now,
    request_id: RequestId,
    format: Annotated[Literal["json", "fhir"], Query()] = "json",
) -> ORJSONResponse:
    """Everything about me, as JSON, or `?format=fhir` for a FHIR R4B bundle."""
    ctx.throttle.consume("export", str(caller.id))
    data = export_patient(db, patient=caller.user(db), keyring=ctx.keyring, rules=rules, now=now)
    # Exports leave the clinic's hands, so even the patient's own is audited.
    record_access(
        db,
        actor_id=caller.id,
        actor_role=caller.role.value,
        action=f"export.{format}",
        patient_id=caller.id,
        resource_type="export",
        resource_id=None,
        request_id=request_id,
        now=now,
    )
    if format == "fhir":
        return ORJSONResponse(fhir_bundle(data), media_type="application/fhir+json")
    return ORJSONResponse(data)
