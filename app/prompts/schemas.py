"""Prompts and assignments as the API shows them."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from app.core import examples as ex
from app.core.fields import NoNulStr
from app.prompts.models import PromptPhase, Technique


class PromptPublic(BaseModel):
    model_config = ex.examples(
        {
            "id": ex.PROMPT,
            "technique": "capture",
            "phases": ["early"],
            "title": "What stayed with you",
            "text": "Write down one image, sound or feeling from the session.",
            "minutes": 5,
            "locale": "en",
            "custom": False,
        }
    )

    id: uuid.UUID
    technique: Technique
    phases: list[PromptPhase]
    title: str
    text: str
    minutes: int
    locale: str = Field(description="The language of title and text: en or es.")
    custom: bool
    retired: bool = Field(
        default=False,
        description="Reworded or withdrawn: kept for the entries that answered it, never served.",
    )


class NextPrompt(PromptPublic):
    model_config = ex.examples(ex.example_of(PromptPublic) | {"phase": "early", "assigned": False})

    phase: PromptPhase
    assigned: bool


class AssignmentCreate(BaseModel):
    """A library prompt by id, or a custom prompt for this patient."""

    model_config = ex.examples(
        {"prompt_id": ex.PROMPT},
        {
            "title": "Your safe place",
            "text": "Describe a place where you feel safe.",
            "technique": "guided_imagery",
        },
        extra="forbid",
    )

    prompt_id: uuid.UUID | None = None
    title: Annotated[NoNulStr, Field(min_length=1, max_length=120)] | None = None
    text: Annotated[NoNulStr, Field(min_length=1, max_length=2000)] | None = None
    technique: Technique | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> "AssignmentCreate":
        custom = (self.title, self.text, self.technique)
        if self.prompt_id is not None and any(v is not None for v in custom):
            raise ValueError("send either prompt_id or a custom title, text and technique")
        if self.prompt_id is None and any(v is None for v in custom):
            raise ValueError("a custom prompt needs title, text and technique")
        return self

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The rule of `_one_kind`, stated: one of two bodies, each whole and closed."""
        schema = handler.resolve_ref_schema(handler(core_schema))
        props = schema.pop("properties")

        def given(name: str) -> dict[str, Any]:
            # The field's schema without its `null` branch, with its description.
            found: dict[str, Any] = dict(props[name])
            branches = [b for b in found.pop("anyOf", [found]) if b.get("type") != "null"]
            kept = {k: v for k, v in found.items() if k not in ("default", "title")}
            return kept | dict(branches[0])

        def body(title: str, names: tuple[str, ...], text: str) -> dict[str, Any]:
            return {
                "title": title,
                "description": text,
                "type": "object",
                "properties": {n: given(n) for n in names},
                "required": list(names),
                "additionalProperties": False,
            }

        schema.pop("additionalProperties", None)
        schema.pop("type", None)
        schema["oneOf"] = [
            body("LibraryPromptAssignment", ("prompt_id",), "A prompt of the library, by id"),
            body(
                "CustomPromptAssignment",
                ("title", "text", "technique"),
                "A prompt written for this patient: all three fields",
            ),
        ]
        return schema


class AssignmentPublic(BaseModel):
    model_config = ex.examples(
        {
            "id": ex.OTHER,
            "patient_id": ex.PATIENT,
            "assigned_by": ex.THERAPIST,
            "assigned_at": ex.SESSION_AT,
            "prompt": ex.example_of(PromptPublic),
        }
    )

    id: uuid.UUID
    patient_id: uuid.UUID
    assigned_by: uuid.UUID
    assigned_at: datetime
    prompt: PromptPublic
