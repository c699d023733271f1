"""Every /v1 router, in the order the OpenAPI document lists them."""

from app.api import (
    account_security,
    accounts,
    audit,
    entries,
    export,
    integration,
    notifications,
    ops,
    prompts,
    questionnaires,
    reviews,
    safety,
    safety_plan,
    sessions,
    therapist,
)

ROUTERS = [
    ops.router,
    accounts.auth_router,
    accounts.router,
    sessions.router,
    entries.router,
    reviews.router,
    integration.router,
    safety.router,
    audit.router,
    therapist.router,
    export.router,
    prompts.router,
    notifications.router,
    account_security.auth_router,
    account_security.router,
    safety_plan.router,
    questionnaires.router,
]
