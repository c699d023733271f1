"""The patient's own export: JSON, or a FHIR R4B bundle."""

from typing import Annotated, Literal

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


class FhirJSONResponse(ORJSONResponse):
    media_type = "application/fhir+json"


_LIMITS = problem_responses(401, 403, 429)


@router.get("/me/export", response_model=PatientExport, responses=_LIMITS)
def export_me(
    caller: PatientCaller,
    act: ActDep,
    # v1.1 apps asked for the bundle here; one schema per operation now (exportMyDataFhir).
    format: Annotated[Literal["json", "fhir"], Query(include_in_schema=False)] = "json",
) -> ORJSONResponse:
    """Everything about me, as JSON; the FHIR bundle is `GET /v1/me/export/fhir`."""
    return _export(caller, act, format)


@router.get(
    "/me/export/fhir",
    response_model=FhirBundle,
    response_class=FhirJSONResponse,
    responses=_LIMITS,
)
def export_me_fhir(caller: PatientCaller, act: ActDep) -> ORJSONResponse:
    """Everything about me as a FHIR R4B Bundle (`application/fhir+json`)."""
    return _export(caller, act, "fhir")


def _export(caller: PatientCaller, act: ActDep, format: Literal["json", "fhir"]) -> ORJSONResponse:
    act.ctx.throttle.consume("export", str(caller.id))
    data = export_my_data(act, patient=caller.user(act.db), format=format)
    if format == "fhir":
        return ORJSONResponse(fhir_bundle(data), media_type="application/fhir+json")
    return ORJSONResponse(data)
