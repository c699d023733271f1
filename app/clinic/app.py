"""The clinic on the web: a sub-application mounted at /clinic in the API's process."""

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from app.clinic import (
    actions,
    measure,
    plan_form,
    router_admin,
    router_auth,
    router_invitation,
    router_session,
    router_therapist,
)
from app.clinic.i18n import ClinicLocale
from app.clinic.web import HANDLERS, HERE, SecurityHeaders


def create_clinic(parent: FastAPI) -> FastAPI:
    """Pages on the parent's state (engine, write gate, settings) and its overrides."""
    clinic = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    # Shared, not copied: tests override the parent's session factory and clock.
    clinic.state = parent.state
    clinic.dependency_overrides = parent.dependency_overrides
    for exc_class, handler in HANDLERS.items():
        clinic.add_exception_handler(exc_class, handler)
    for router in (
        router_auth.router,
        router_invitation.router,
        router_therapist.router,
        router_session.router,
        actions.router,
        measure.router,
        plan_form.router,
        router_admin.router,
    ):
        clinic.include_router(router)
    clinic.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    clinic.add_middleware(ClinicLocale)  # inside the error handlers' middleware: pages too
    clinic.add_middleware(SecurityHeaders)
    return clinic
