"""Examples for the OpenAPI document: one consistent story of ids and times."""

from typing import Any

from pydantic import BaseModel, ConfigDict

PATIENT = "5f0c1a8e-3b7d-4c2e-9f11-6a2b3c4d5e6f"
THERAPIST = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
ENTRY = "0b9e6a43-5a44-4a8e-9b4e-2f1d2a7c9d10"
SESSION = "3c2d1e0f-9a8b-4c7d-8e6f-5a4b3c2d1e0f"
PROMPT = "7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918"
OTHER = "2a1b0c9d-8e7f-4a6b-9c5d-4e3f2a1b0c9d"
SESSION_AT = "2026-11-29T09:00:00Z"
WRITTEN_AT = "2026-11-30T10:30:00Z"
CURSOR = "WyIyMDI2LTExLTMwVDEwOjMwOjAwKzAwOjAwIl0"


def examples(*items: dict[str, Any], **config: Any) -> ConfigDict:
    """A model_config with these examples (and any other config keys)."""
    made = ConfigDict(json_schema_extra={"examples": list(items)})
    made.update(config)  # type: ignore[typeddict-item]
    return made


def example_of(model: type[BaseModel]) -> dict[str, Any]:
    """The first example of a model, to nest in another model's example."""
    extra = model.model_config.get("json_schema_extra")
    if not isinstance(extra, dict) or not extra.get("examples"):
        raise TypeError(f"{model.__name__} has no examples")
    found: list[dict[str, Any]] = extra["examples"]  # type: ignore[assignment]
    return dict(found[0])
