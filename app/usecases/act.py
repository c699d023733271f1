"""What every use case is handed: the transaction, the clinic's settings, the time,
and the auditor of whoever acts. The doors build it; the use case needs nothing else
from the request."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlmodel import Session

from app.audit.auditor import Auditor
from app.core.config import Settings
from app.core.context import AppContext
from app.core.crypto import KeyRing
from app.notifications.outbox import Notice, tell
from app.questionnaires.deps import MeasureRules, measure_rules_from
from app.safety.service import Escalation
from app.sessions.deps import rules_from
from app.sessions.window import WindowRules


@dataclass(frozen=True)
class Act:
    db: Session
    ctx: AppContext
    audit: Auditor
    now: datetime

    @classmethod
    def offline(
        cls,
        db: Session,
        ctx: AppContext,
        *,
        actor_id: uuid.UUID,
        role: str,
        now: datetime,
        request_id: str,
    ) -> "Act":
        """An act outside a request (the command line, the demo): audited the same way."""
        return cls(db, ctx, Auditor(db, actor_id, role, request_id, now), now)

    def notify(
        self, user_id: uuid.UUID, key: str, notice: Notice, data: dict[str, Any] | None = None
    ) -> None:
        """Tell someone now, in this act's transaction; `key` dedupes (app/notifications)."""
        tell(self.db, notice, user_id=user_id, key=key, now=self.now, data=data)

    @property
    def actor_id(self) -> uuid.UUID:
        return self.audit.actor_id

    @property
    def settings(self) -> Settings:
        return self.ctx.settings

    @property
    def keyring(self) -> KeyRing:
        return self.ctx.keyring

    @cached_property
    def rules(self) -> WindowRules:
        return rules_from(self.ctx.settings)

    @cached_property
    def measure_rules(self) -> MeasureRules:
        return measure_rules_from(self.ctx.settings)

    @cached_property
    def escalation(self) -> Escalation:
        return Escalation.from_settings(self.ctx.settings)
