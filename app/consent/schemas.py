"""Consent documents and decisions as the API shows them."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from app.consent.models import ConsentKind, Decision
from app.core import examples as ex
from app.core.fields import AwareUTC
from app.core.i18n import LOCALES

_TEXTS = {
    "en": "I agree that my care team may read the entries I share.",
    "es": "Acepto que mi equipo de atención lea las entradas que comparto.",
}
_DOC = "6f1c8a52-4a47-4c59-9d36-3a4bdb1a9d10"
_DOCUMENT = {
    "id": _DOC,
    "kind": "care_team_sharing",
    "version": 2,
    "texts": _TEXTS,
    "published_at": "2026-11-01T09:00:00Z",
    "previous_valid_until": None,
}
_DECISION = {
    "id": "0b6d3f0e-5a0a-4d7e-9d57-1f4a2e9a7c11",
    "document_id": _DOC,
    "kind": "care_team_sharing",
    "version": 2,
    "decision": "accepted",
    "locale": "en",
    "decided_at": "2026-11-02T18:30:00Z",
}
_STATE = {
    "kind": "care_team_sharing",
    "document": _DOCUMENT,
    "decision": _DECISION,
    "in_force": True,
    "required": True,
}


def _texts_schema(schema: dict[str, Any]) -> None:
    """What `_locales` checks, stated: known locales only, `en` required, no blank text."""
    text = {"type": "string", "minLength": 1, "maxLength": 100_000, "pattern": r"\S"}
    schema.pop("additionalProperties", None)
    schema["properties"] = {locale: dict(text) for locale in LOCALES}
    schema["required"] = ["en"]
    schema["additionalProperties"] = False


class ConsentDocumentCreate(BaseModel):
    model_config = ex.examples({"kind": "care_team_sharing", "texts": _TEXTS}, extra="forbid")

    kind: ConsentKind
    texts: dict[str, str] = Field(
        description="The text per locale; `en` is required", json_schema_extra=_texts_schema
    )
    previous_valid_until: AwareUTC | None = Field(
        default=None,
        description="Until then an acceptance of the previous version still counts; "
        "without it, until the patient decides on this version",
    )

    @field_validator("texts")
    @classmethod
    def _locales(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(LOCALES))
        if unknown:
            raise ValueError(f"unknown locale {unknown[0]!r}")
        if not value.get("en", "").strip():
            raise ValueError("the English text is required")
        if any(len(t) > 100_000 or not t.strip() for t in value.values()):
            raise ValueError("each text is 1 to 100,000 characters")
        return value


class ConsentDocumentPublic(BaseModel):
    model_config = ex.examples(_DOCUMENT, from_attributes=True)

    id: uuid.UUID
    kind: ConsentKind
    version: int
    texts: dict[str, str]
    published_at: datetime
    previous_valid_until: datetime | None


class ConsentDecisionCreate(BaseModel):
    model_config = ex.examples(
        {"document_id": "6f1c8a52-4a47-4c59-9d36-3a4bdb1a9d10", "decision": "accepted"},
        extra="forbid",
    )

    document_id: uuid.UUID
    decision: Decision


class ConsentDecisionPublic(BaseModel):
    model_config = ex.examples(_DECISION, from_attributes=True)

    id: uuid.UUID
    document_id: uuid.UUID
    kind: ConsentKind
    version: int
    decision: Decision
    locale: str
    decided_at: datetime


class ConsentStatePublic(BaseModel):
    """One kind: its current document and where the patient stands."""

    model_config = ex.examples(_STATE)

    kind: ConsentKind
    document: ConsentDocumentPublic
    decision: ConsentDecisionPublic | None = Field(
        description="The patient's latest decision on this kind, on any version"
    )
    in_force: bool = Field(description="An acceptance that counts now")
    required: bool


class MyConsentsPublic(BaseModel):
    model_config = ex.examples({"items": [_STATE], "sharing_allowed": True})

    items: list[ConsentStatePublic]
    sharing_allowed: bool = Field(
        description="False: new entries are private and sharing answers 409 consent_required"
    )


class DecisionResult(ConsentDecisionPublic):
    model_config = ex.examples(
        _DECISION
        | {"decision": "withdrawn", "message": "...", "made_private": 3, "kept_in_record": 5}
    )

    message: str | None = Field(
        default=None, description="What the decision changed, in the patient's language"
    )
    made_private: int = Field(default=0, description="Entries no longer shared (withdrawal)")
    kept_in_record: int = Field(
        default=0, description="Reviewed entries the clinic keeps as its record (withdrawal)"
    )
