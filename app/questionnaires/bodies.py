"""The body of `POST /v1/questionnaire-responses`, and its schema: one per instrument.

The wire shape is one for every instrument: `{code, answers: {item_id: value}, ...}`.
The document states it precisely, as a `oneOf` discriminated by `code` with one
schema per instrument (`Phq9ResponseCreate`, ...), each with its own `answers`
(`Phq9Answers`, ...): the instrument's choice items, integers within the item's
options, the items always asked required, nothing else. The models and
`check_answers` are both made from instruments.json, so they state the same rules.

The server still validates one model and then `check_answers` (so a body a schema
refuses keeps its item-by-item `answers_invalid` problem), and takes a little more
than the schema states: the v1.1 free text inside `answers` (see `_note_from_answers`).
"""

import operator
import uuid
from functools import cache, reduce
from typing import Annotated, Any, Literal, NotRequired, Required, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StrictInt,
    TypeAdapter,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema
from typing_extensions import TypedDict

from app.core import examples as ex
from app.core.fields import NoNulKey, NoNulStr, WholeNumber, WrittenAt
from app.questionnaires.instruments import Instrument, Item, catalogue, note_items

ItemId = Annotated[NoNulKey, Field(min_length=1, max_length=64)]
AnswerValue = Annotated[
    StrictInt, Field(description="The `value` of one of the item's options"), WholeNumber
]
NoteText = Annotated[NoNulStr, Field(max_length=2000)]

RESPONSE = "6d5c4b3a-2918-4f7e-8d6c-5b4a39281706"
PHQ9_ANSWERS = {f"phq9_{i}": 1 if i < 8 else 0 for i in range(1, 10)}
CHECK_IN_ANSWERS = {"check_in_1": 0, "check_in_2": 0, "check_in_mood": 6}
NOTE_TEXT = (
    "Free text: the answer to the free-text item of an instrument that has one "
    "(after_effects' `ae_note`), or a note the patient adds to any other. Encrypted at "
    "rest, screened like a journal entry, shown wherever the response is"
)


class QuestionnaireResponseCreate(BaseModel):
    """What the server validates; the document shows `_one_per_instrument` instead."""

    model_config = ex.examples(
        {"id": RESPONSE, "code": "phq9", "answers": PHQ9_ANSWERS, "answered_at": ex.WRITTEN_AT},
        {"code": "daily_check_in", "answers": CHECK_IN_ANSWERS, "answered_at": ex.WRITTEN_AT},
        extra="forbid",
    )

    id: uuid.UUID | None = Field(
        default=None, description="Chosen by the phone for offline writing"
    )
    code: Annotated[NoNulStr, Field(min_length=1, max_length=40)] = Field(
        description="One of the instruments' codes (`GET /v1/questionnaires`)"
    )
    answers: dict[ItemId, AnswerValue] = Field(
        max_length=60, description="Each choice item's id and the `value` of the option chosen"
    )
    note: NoteText | None = Field(default=None, description=NOTE_TEXT)
    answered_at: WrittenAt

    @model_validator(mode="before")
    @classmethod
    def _note_from_answers(cls, data: Any) -> Any:
        """v1.1 clients sent the free text as a string in `answers` under its item id."""
        if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
            return data
        texts = {
            k: v for k, v in data["answers"].items() if k in note_items() and isinstance(v, str)
        }
        if not texts or data.get("note") is not None:
            return data
        answers = {k: v for k, v in data["answers"].items() if k not in texts}
        return {**data, "answers": answers, "note": next(iter(texts.values()))}

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return _one_per_instrument(handler)


def _one_per_instrument(handler: GetJsonSchemaHandler) -> JsonSchemaValue:
    """A `oneOf` of the instruments' bodies, told apart by `code` (with its mapping)."""
    union = reduce(operator.or_, bodies().values())
    tagged: TypeAdapter[Any] = TypeAdapter(cast(Any, Annotated[union, Field(discriminator="code")]))
    return handler(tagged.core_schema) | {
        "title": "QuestionnaireResponseCreate",
        "description": "An answer to one instrument: `code` names it and says which "
        "`answers` it takes (its items, as `GET /v1/questionnaires/{code}` lists them)",
    }


def camel(code: str) -> str:
    """phq9 -> Phq9, daily_check_in -> DailyCheckIn: the start of its schemas' names."""
    return "".join(part[:1].upper() + part[1:] for part in code.split("_"))


def _item_text(item: Item) -> str:
    text = str(item.raw["text"]["en"]).rstrip()
    if item.enable_when is None:
        return text
    other, value = item.enable_when
    stop = "" if text[-1:] in ".?!" else "."
    return (
        f"{text}{stop} Asked only when `{other}` is {value}; left out then, it is scored "
        f"as {max(item.values)}, the answer that suggests most risk"
    )


def _answers_model(instrument: Instrument) -> type:
    fields: dict[str, Any] = {}
    for item in instrument.items:
        if item.type != "choice":
            continue
        low, high = min(item.values), max(item.values)
        # Options are whole ranges (a test holds this), so bounds say which values exist.
        value = Annotated[
            StrictInt, Field(ge=low, le=high, description=_item_text(item)), WholeNumber
        ]
        fields[item.id] = Required[value] if item.always_asked else NotRequired[value]
    made = TypedDict(f"{camel(instrument.code)}Answers", fields)  # type: ignore[misc]
    examples: dict[str, Any] = {"examples": [example_answers(instrument)]}
    config = ConfigDict(extra="forbid", json_schema_extra=examples)
    made.__pydantic_config__ = config  # type: ignore[attr-defined]
    made.__doc__ = f"The answers to {instrument.raw['title']['en']}, by item id"
    return cast(type, made)


def example_answers(instrument: Instrument) -> dict[str, int]:
    """The documents' examples; else the lowest option of every item always asked."""
    found = {"phq9": PHQ9_ANSWERS, "daily_check_in": CHECK_IN_ANSWERS}.get(instrument.code)
    return found or {i.id: min(i.values) for i in instrument.items if i.always_asked and i.values}


def _body_model(instrument: Instrument) -> type[BaseModel]:
    """The instrument's own body: the fields of QuestionnaireResponseCreate, in its
    order, with a `code` of one value and the instrument's `answers`."""
    code = instrument.code
    example = {"code": code, "answers": example_answers(instrument)}
    shared = QuestionnaireResponseCreate.model_fields
    own = {
        "code": (Literal[code], Field(description="Names the instrument")),
        "answers": (
            _answers_model(instrument),
            Field(description="Each item's id and the `value` of the option chosen"),
        ),
    }
    fields = {n: own.get(n) or (f.annotation, f) for n, f in shared.items()}
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "__doc__": f"An answer to the {instrument.raw['title']['en']}",
        "__annotations__": {n: t for n, (t, _) in fields.items()},
        "model_config": ex.examples(example | {"answered_at": ex.WRITTEN_AT}, extra="forbid"),
        **{n: f for n, (_, f) in fields.items()},
    }
    return cast(type[BaseModel], type(f"{camel(code)}ResponseCreate", (BaseModel,), namespace))


@cache
def bodies() -> dict[str, type[BaseModel]]:
    """Each instrument's body, by code, in the catalogue's order."""
    return {code: _body_model(i) for code, i in catalogue().items()}
