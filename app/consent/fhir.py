"""Consent decisions as FHIR R4B Consent resources, for the patient's export."""

import uuid
from typing import Any

_SCOPE = {
    "coding": [
        {"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"}
    ]
}
_CATEGORY = {"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}  # consent document
_POLICY = "https://kap-journal.example.org/consent/"


def consent_resources(
    decisions: list[dict[str, Any]], patient_ref: dict[str, str]
) -> list[tuple[str, dict[str, Any]]]:
    """One Consent per decision: accepted permits, declined or withdrawn denies."""
    out = []
    for d in decisions:
        rid = uuid.uuid5(uuid.UUID(str(d["document_id"])), f"{d['decided_at']}{d['decision']}")
        withdrawn = d["decision"] == "withdrawn"
        resource = {
            "resourceType": "Consent",
            "id": str(rid),
            "status": "inactive" if withdrawn else "active",
            "scope": _SCOPE,
            "category": [_CATEGORY, {"text": str(d["kind"])}],
            "patient": patient_ref,
            "dateTime": d["decided_at"].isoformat().replace("+00:00", "Z"),
            "policy": [{"uri": f"{_POLICY}{d['kind']}/v{d['version']}"}],
            "provision": {"type": "permit" if d["decision"] == "accepted" else "deny"},
        }
        out.append((f"urn:uuid:{rid}", resource))
    return out
