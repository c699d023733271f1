"""The answer body's schema states what check_answers enforces, instrument by instrument."""

from typing import Any

import pytest

from app.questionnaires.bodies import camel
from app.questionnaires.instruments import catalogue, check_answers
from tests.contract.spec import spec

CODES = sorted(catalogue())


def _schemas() -> dict[str, Any]:
    return spec()["components"]["schemas"]  # type: ignore[no-any-return]


def _answers_schema(code: str) -> dict[str, Any]:
    return _schemas()[f"{camel(code)}Answers"]  # type: ignore[no-any-return]


def test_the_body_is_one_of_the_instruments_told_apart_by_code() -> None:
    body = _schemas()["QuestionnaireResponseCreate"]
    mapping = body["discriminator"]["mapping"]
    assert body["discriminator"]["propertyName"] == "code"
    assert sorted(mapping) == CODES
    assert sorted(r["$ref"] for r in body["oneOf"]) == sorted(mapping.values())
    for code, ref in mapping.items():
        own = _schemas()[ref.rsplit("/", 1)[1]]
        assert own["properties"]["code"]["enum"] == [code]
        assert own["additionalProperties"] is False
        assert set(own["properties"]) == {"id", "code", "answers", "note", "answered_at"}
        assert own["required"] == ["code", "answers", "answered_at"]


@pytest.mark.parametrize("code", CODES)
def test_each_answers_schema_lists_the_choice_items_with_their_range(code: str) -> None:
    instrument = catalogue()[code]
    schema = _answers_schema(code)
    choices = [i for i in instrument.items if i.type == "choice"]
    assert schema["additionalProperties"] is False
    assert list(schema["properties"]) == [i.id for i in choices]
    assert schema["required"] == [i.id for i in choices if i.always_asked]
    for item in choices:
        prop = schema["properties"][item.id]
        assert prop["type"] == "integer"
        # Bounds state the options only because each item's options are a whole range.
        assert sorted(item.values) == list(range(int(prop["minimum"]), int(prop["maximum"]) + 1))


@pytest.mark.parametrize("code", CODES)
def test_the_fewest_and_the_most_answers_the_schema_allows_are_taken(code: str) -> None:
    schema = _answers_schema(code)
    props = schema["properties"]
    fewest = {k: int(props[k]["minimum"]) for k in schema["required"]}
    most = {k: int(p["maximum"]) for k, p in props.items()}
    for answers in (fewest, most, {k: int(p["minimum"]) for k, p in props.items()}):
        check_answers(catalogue()[code], answers)  # raises if refused
