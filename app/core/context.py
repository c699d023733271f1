"""Per-application objects built once at start-up and reached through dependencies."""

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Engine

from app.core.config import Settings
from app.core.crypto import KeyRing
from app.core.middleware import Metrics
from app.core.ratelimit import Throttle
from app.core.sealed import install_keyring
from app.core.security import TokenConfig


@dataclass
class AppContext:
    settings: Settings
    engine: Engine
    tokens: TokenConfig
    keyring: KeyRing
    throttle: Throttle
    metrics: Metrics

    @classmethod
    def build(cls, settings: Settings, engine: Engine) -> "AppContext":
        context = cls._build(settings, engine)
        install_keyring(context.keyring)  # for columns encrypted by their type
        return context

    @classmethod
    def _build(cls, settings: Settings, engine: Engine) -> "AppContext":
        return cls(
            settings=settings,
            engine=engine,
            tokens=TokenConfig(
                key=settings.resolved_signing_key(),
                issuer=settings.jwt_issuer,
                audience=settings.jwt_audience,
                access_ttl=timedelta(minutes=settings.access_token_minutes),
            ),
            keyring=replace(
                KeyRing.parse(settings.resolved_encryption_keys()),
                fingerprint_key=settings.resolved_fingerprint_key(),
            ),
            throttle=Throttle.build(
                enabled=settings.rate_limit_enabled,
                redis_url=settings.redis_url,
                engine=engine,
                store=settings.throttle_store,
                rules={
                    "signin_account": settings.signin_failures_per_account,
                    "signin_address": settings.signin_failures_per_address,
                    "export": settings.export_rate,
                    "api": settings.api_rate,
                    "signin_pair": settings.signin_failures_per_pair,
                    "signin_slow": settings.signin_slow_rate,
                    "mfa": settings.mfa_attempts,
                    "mfa_daily": f"{settings.mfa_daily_failures}/day",
                    "password_change": settings.password_change_attempts,
                    "signin_device": settings.signin_failures_per_device,
                    "invitation_address": settings.invitation_attempts,
                    "invitation_token": settings.invitation_attempts,
                },
            ),
            metrics=Metrics(),
        )


# Cheap dependencies are async: a sync one costs a thread-pool hop per request.
async def get_context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


async def get_request_id(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id", ""))


async def get_client_request_id(request: Request) -> str | None:
    """The X-Request-ID the client sent, if well-formed; untrusted."""
    value = request.scope.get("state", {}).get("client_request_id")
    return str(value) if value else None


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


Ctx = Annotated[AppContext, Depends(get_context)]
RequestId = Annotated[str, Depends(get_request_id)]
ClientRequestId = Annotated[str | None, Depends(get_client_request_id)]
