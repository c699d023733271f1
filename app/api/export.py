"""The patient's own export: JSON, or a FHIR R4B bundle."""

from typing import Annotated, Any, Literal

from fastapi import Query

from app.accounts.deps import PatientCaller
from app.api.deps import ActDep
from app.core.errors import problem_responses
from app.core.responses import ORJSONResponse
from app.core.routing import api_router
from app.export.schemas import FhirBundle, PatientExport
from app.export.service import fhir_bundle
from app.usecases.export import export_my_data

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
    act: ActDep,
    format: Annotated[Literal["json", "fhir"], Query()] = "json",
) -> ORJSONResponse:
    """Everything about me, as JSON, or `?format=fhir` for a FHIR R4B bundle."""
    act.ctx.throttle.consume("export", str(caller.id))
    data = export_my_data(act, patient=caller.user(act.db), format=format)
    if format == "fhir":
        return ORJSONResponse(fhir_bundle(data), media_type="application/fhir+json")
    return ORJSONResponse(data)
