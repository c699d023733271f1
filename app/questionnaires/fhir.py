"""Questionnaire answers as FHIR R4B: a Questionnaire per instrument, a
QuestionnaireResponse per answer and an Observation per total score (LOINC-coded)."""

import uuid
from datetime import datetime
from typing import Any

from app.questionnaires.instruments import catalogue, localized

LOINC = "http://loinc.org"
_NS = uuid.UUID("9b0c7b55-6a43-4f59-9a5e-2f7d4f1c0a11")  # fixed: stable ids across exports


def _urn(value: uuid.UUID | str) -> str:
    return f"urn:uuid:{value}"


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def questionnaire_id(code: str) -> uuid.UUID:
    return uuid.uuid5(_NS, f"questionnaire:{code}")


def _options(item: dict[str, Any]) -> dict[str, str]:
    return {str(o["value"]): o["text"] for o in item["options"]}


def questionnaire(code: str) -> dict[str, Any]:
    shown = localized(catalogue()[code], "en")
    qid = questionnaire_id(code)
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": str(qid),
        "url": _urn(qid),
        "name": code,
        "title": shown["title"],
        "version": shown["version"],
        "copyright": shown["copyright"],
        "status": "active",
        "item": [
            {
                "linkId": i["id"],
                "text": i["text"],
                "type": "choice" if i["type"] == "choice" else "text",
                "required": i["required"],
            }
            | (
                {
                    "answerOption": [
                        {"valueCoding": {"code": str(o["value"]), "display": o["text"]}}
                        for o in i["options"]
                    ]
                }
                if i["options"]
                else {}
            )
            | ({"code": [{"system": LOINC, "code": i["loinc"]}]} if i["loinc"] else {})
            for i in shown["items"]
        ],
    }
    if shown["loinc_panel"]:
        resource["code"] = [{"system": LOINC, "code": shown["loinc_panel"]}]
    return resource


def _response(r: dict[str, Any], patient_ref: dict[str, str]) -> dict[str, Any]:
    items = {i["id"]: i for i in localized(catalogue()[r["code"]], "en")["items"]}
    answers: list[dict[str, Any]] = []
    for item_id, value in r["answers"].items():
        display = (
            _options(items[item_id]).get(str(value), str(value)) if item_id in items else str(value)
        )
        answers.append(
            {
                "linkId": item_id,
                "answer": [{"valueCoding": {"code": str(value), "display": display}}],
            }
        )
    if r.get("note"):
        # The instrument's free-text item, or a note of the patient's own beside the items.
        link = catalogue()[r["code"]].note_item
        answers.append(
            {"linkId": link, "answer": [{"valueString": r["note"]}]}
            if link
            else {"linkId": "note", "text": "Note", "answer": [{"valueString": r["note"]}]}
        )
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(r["id"]),
        "questionnaire": _urn(questionnaire_id(r["code"])),
        "status": "completed",
        "subject": patient_ref,
        "authored": _iso(r["answered_at"]),
        "item": answers,
    }


def _observation(r: dict[str, Any], patient_ref: dict[str, str]) -> dict[str, Any]:
    instrument = catalogue()[r["code"]]
    title = localized(instrument, "en")["title"]
    code: dict[str, Any] = {"text": f"{title} total score"}
    if instrument.total_loinc:
        code["coding"] = [
            {"system": LOINC, "code": instrument.total_loinc, "display": code["text"]}
        ]
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(uuid.uuid5(uuid.UUID(str(r["id"])), "score")),
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "survey",
                    }
                ]
            }
        ],
        "code": code,
        "subject": patient_ref,
        "effectiveDateTime": _iso(r["answered_at"]),
        "interpretation": [{"text": r["severity"]}],
        "derivedFrom": [{"reference": _urn(r["id"])}],
    }
    if r["code"] == "cssrs_screener":
        obs["code"] = {"text": f"{title} risk level"}
        obs["valueString"] = r["severity"]
    else:
        obs["valueInteger"] = r["score"]
    return obs


def fhir_resources(
    responses: list[dict[str, Any]], patient_ref: dict[str, str]
) -> list[tuple[str, dict[str, Any]]]:
    """(fullUrl, resource) for the instruments used, each answer and each score."""
    out: list[tuple[str, dict[str, Any]]] = []
    for code in sorted({r["code"] for r in responses}):
        out.append((_urn(questionnaire_id(code)), questionnaire(code)))
    for r in responses:
        out.append((_urn(r["id"]), _response(r, patient_ref)))
        obs = _observation(r, patient_ref)
        out.append((_urn(obs["id"]), obs))
    return out
