"""A 422's `loc` names fields and indexes only, never the union branch pydantic tried."""

import functools
import json
from typing import Annotated

from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, BaseModel, Field, ValidationError

from app.core.handlers import _field_error


def _short(limit: int, value: str) -> str:
    return value[:limit]


class Inner(BaseModel):
    kind: int


class Body(BaseModel):
    answers: dict[str, int | Annotated[str, AfterValidator(functools.partial(_short, 3))]]
    items: list[Inner | Annotated[str, Field(max_length=2)]]
    mood: int | None = None


def test_union_branches_and_validators_are_left_out_of_loc() -> None:
    try:
        Body.model_validate({"answers": {"a": {}}, "items": [{"kind": "x"}], "mood": "m", 1: 2})
    except ValidationError as raised:
        errors = raised.errors()
    request_error = RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors])
    shown = [_field_error(e) for e in request_error.errors()]
    locs = {tuple(e.loc) for e in shown}
    assert locs == {
        ("body", "answers", "a"),
        ("body", "items", "0", "kind"),
        ("body", "items", "0"),
        ("body", "mood"),
    }
    text = json.dumps([e.model_dump() for e in shown])
    assert "functools" not in text and "function-after" not in text and "Inner" not in text
