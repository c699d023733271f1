"""Partial updates as JSON Merge Patch (RFC 7396): an absent member is left as it is,
`null` removes a member that can be removed.

A member that cannot be removed (an entry's text) is left as it is when `null` is
sent: kotlinx with `encodeDefaults=true` sends every unset field as null, and such a
request must not fail. docs/api.md says which client settings send a real patch.
"""

import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

MERGE_PATCH = "application/merge-patch+json"


def _nullable(annotation: Any) -> bool:
    if get_origin(annotation) in (Union, types.UnionType):
        return any(arg is type(None) for arg in get_args(annotation))
    return annotation is None or annotation is type(None)


def _allows_null(prop: dict[str, Any]) -> bool:
    return prop.get("type") == "null" or any(b.get("type") == "null" for b in prop.get("anyOf", []))


class MergePatch(BaseModel):
    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The document says what the server takes: `null` on every member."""
        schema = handler(core_schema)
        resolved = handler.resolve_ref_schema(schema)
        for name, prop in resolved.get("properties", {}).items():
            if not _allows_null(prop):
                meta = {k: prop.pop(k) for k in ("title", "description") if k in prop}
                prop.pop("default", None)
                resolved["properties"][name] = {"anyOf": [prop, {"type": "null"}], **meta}
        return schema

    @model_validator(mode="before")
    @classmethod
    def _null_keeps_what_cannot_be_removed(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        kept = {
            name
            for name, field in cls.model_fields.items()
            if data.get(field.alias or name, 0) is None and not _nullable(field.annotation)
        }
        return {k: v for k, v in data.items() if k not in kept}
