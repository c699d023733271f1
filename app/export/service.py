"""Everything about a patient, as JSON: their account, sessions, entries and more.

Therapists' review notes are psychotherapy notes and are not part of the export;
nor are reviews at all, which the patient never sees.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.accounts.models import User
from app.consent.fhir import consent_resources
from app.consent.service import export_view as consent_export
from app.core.crypto import KeyRing
from app.entries.models import JournalEntry, live
from app.entries.presenters import entry_view
from app.entries.service import public_id
from app.integration.service import list_for_patient
from app.integration.service import view as integration_view
from app.notifications.models import Notification
from app.prompts.service import answered_prompts
from app.questionnaires.fhir import fhir_resources
from app.questionnaires.misses import recorded as recorded_misses
from app.questionnaires.reading import all_responses
from app.questionnaires.reading import views as questionnaire_views
from app.safety.models import SafetyFlag
from app.safety.plan import history as plan_history
from app.safety.plan import plan_of
from app.safety.schemas import HelpContact
from app.sessions.presenters import window_public
from app.sessions.service import list_sessions
from app.sessions.window import WindowRules

MAX_SESSIONS = 10_000


def export_patient(
    db: Session, *, patient: User, keyring: KeyRing, rules: WindowRules, now: datetime
) -> dict[str, Any]:
    sessions = list_sessions(
        db, patient_id=patient.id, rules=rules, limit=MAX_SESSIONS, before=None
    )
    times = {s.session.id: s.session.administered_at for s in sessions}
    entries = db.exec(
        select(JournalEntry)
        .where(JournalEntry.patient_id == patient.id, live())
        .order_by(col(JournalEntry.written_at), col(JournalEntry.id))
    ).all()
    entry_views = [
        entry_view(
            e,
            times.get(e.session_id) if e.session_id else None,
            keyring=keyring,
            rules=rules,
            owner=True,
        )
        for e in entries
    ]

    notifications = db.exec(
        select(Notification)
        .where(Notification.user_id == patient.id)
        .order_by(col(Notification.created_at))
    ).all()
    flags = db.exec(
        select(SafetyFlag)
        .where(SafetyFlag.patient_id == patient.id)
        .order_by(col(SafetyFlag.raised_at), col(SafetyFlag.id))
    ).all()
    # The patient's copy names entries by the ids the patient knows them by.
    flagged = {f.entry_id for f in flags if f.entry_id is not None}
    shown = {
        e.id: public_id(e)
        for e in db.exec(select(JournalEntry).where(col(JournalEntry.id).in_(flagged))).all()
    }
    return {
        "exported_at": now,
        "account": {
            "id": patient.id,
            "email": patient.email,
            "display_name": patient.display_name,
            "timezone": patient.timezone,
            "created_at": patient.created_at,
        },
        "sessions": [
            {
                "id": s.session.id,
                "administered_at": s.session.administered_at,
                "route": s.session.route,
                "dose_mg": s.session.dose_mg,
                "note": s.session.note,
                "window": window_public(s.window).model_dump(),
            }
            for s in reversed(sessions)
        ],
        "entries": [
            {k: v for k, v in ev.items() if k not in ("reviews", "safety")} for ev in entry_views
        ],
        "prompts_answered": answered_prompts(db, [e.prompt_id for e in entries if e.prompt_id]),
        "integration_sessions": [
            integration_view(item, at, rules) for item, at in list_for_patient(db, patient.id)
        ],
        # The patient was told when each was raised; who acknowledged it stays the clinic's.
        "safety_flags": [
            {
                "id": f.id,
                "entry_id": shown.get(f.entry_id) if f.entry_id else None,
                "raised_at": f.raised_at,
                "acknowledged_at": f.acknowledged_at,
            }
            for f in flags
        ],
        # The patient's own plan, and who changed it when (no text in the history).
        "safety_plan": _plan(db, keyring, patient.id),
        "notifications": [
            {"kind": n.kind, "title": n.title, "status": n.status, "due_at": n.due_at}
            for n in notifications
        ],
        "questionnaire_responses": questionnaire_views(
            db, all_responses(db, patient.id), keyring=keyring, rules=rules, owner=True
        ),
        "questionnaire_misses": [
            {
                "code": m.code,
                "reason": m.reason,
                "due_at": m.due_at,
                "expires_at": m.expires_at,
                "recorded_at": m.recorded_at,
            }
            for m in recorded_misses(db, patient.id)
        ],
        "consents": consent_export(db, patient.id),
    }


def _plan(db: Session, keyring: KeyRing, patient_id: uuid.UUID) -> dict[str, Any] | None:
    current = plan_of(db, keyring, patient_id)
    if current is None:
        return None
    versions, _ = plan_history(db, patient_id=patient_id, limit=MAX_SESSIONS, cursor=None)
    return current.model_dump(mode="json") | {
        "history": [v.model_dump(mode="json") for v in versions]
    }


def _urn(value: uuid.UUID | str) -> str:
    return f"urn:uuid:{value}"


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _questionnaire(prompt: dict[str, Any]) -> dict[str, Any]:
    """A prompt as the Questionnaire its answers point to (by its urn:uuid url)."""
    return {
        "resourceType": "Questionnaire",
        "id": str(prompt["id"]),
        "url": _urn(prompt["id"]),
        "status": "active",
        "title": prompt["title"],
        "item": [{"linkId": "journal-entry", "text": prompt["text"], "type": "text"}],
    }


PLAN_SECTIONS = {
    "warning_signs": "Warning signs",
    "coping_strategies": "Internal coping strategies",
    "distractions": "People and social settings that provide distraction",
    "people_to_ask_for_help": "People whom I can ask for help",
    "professionals": "Professionals or agencies to contact during a crisis",
    "making_environment_safe": "Making the environment safe",
    "reasons_for_living": "Reasons for living",
}


def _care_plan(plan: dict[str, Any], patient_ref: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """The safety plan as a CarePlan: one activity per item, its section as the code."""
    plan_id = uuid.uuid5(uuid.UUID(str(plan["patient_id"])), "safety-plan")
    activities = []
    for key, label in PLAN_SECTIONS.items():
        for item in plan[key]:
            text = item if isinstance(item, str) else _contact(HelpContact.model_validate(item))
            activities.append(
                {"detail": {"code": {"text": label}, "status": "in-progress", "description": text}}
            )
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": str(plan_id),
        "status": "active",
        "intent": "plan",
        "title": "Safety plan (Stanley-Brown)",
        "category": [{"text": "Safety plan"}],
        "subject": patient_ref,
        "created": plan["created_at"].replace("+00:00", "Z"),
        "identifier": [
            {"system": "urn:kap-journal:safety-plan-version", "value": str(plan["version"])}
        ],
    }
    if activities:
        resource["activity"] = activities
    return _urn(plan_id), resource


def _contact(c: HelpContact) -> str:
    return f"{c.name}: {c.contact}"


def fhir_bundle(export: dict[str, Any]) -> dict[str, Any]:
    """A FHIR R4B collection Bundle: the patient, entries and moods.

    An entry that answers a prompt is a QuestionnaireResponse of that prompt's
    Questionnaire (in the bundle); any other entry a QuestionnaireResponse with the
    free text; each mood an Observation.
    """
    from fhir.resources.R4B.bundle import Bundle

    account = export["account"]
    patient_ref = {"reference": _urn(account["id"])}
    resources: list[tuple[str, dict[str, Any]]] = [
        (
            _urn(account["id"]),
            {
                "resourceType": "Patient",
                "id": str(account["id"]),
                "name": [{"text": account["display_name"]}],
                "telecom": [{"system": "email", "value": account["email"]}],
            },
        )
    ]
    prompts = {str(p["id"]): p for p in export["prompts_answered"]}
    for p in prompts.values():
        resources.append((_urn(p["id"]), _questionnaire(p)))
    for e in export["entries"]:
        prompt = prompts.get(str(e["prompt_id"])) if e["prompt_id"] else None
        item: dict[str, Any] = {
            "linkId": "journal-entry",
            "text": prompt["text"] if prompt else "Journal entry",
            "answer": [{"valueString": e["body"]}],
        }
        response: dict[str, Any] = {
            "resourceType": "QuestionnaireResponse",
            "id": str(e["id"]),
            "status": "completed",
            "subject": patient_ref,
            "authored": _iso(e["written_at"]),
            "item": [item],
        }
        if e["prompt_id"]:
            response["questionnaire"] = _urn(e["prompt_id"])
        resources.append((_urn(e["id"]), response))
        if e["mood"] is not None:
            mood_id = uuid.uuid5(e["id"], "mood")
            resources.append(
                (
                    _urn(mood_id),
                    {
                        "resourceType": "Observation",
                        "id": str(mood_id),
                        "status": "final",
                        "code": {"text": "Self-reported mood (0-10)"},
                        "subject": patient_ref,
                        "effectiveDateTime": _iso(e["written_at"]),
                        "valueInteger": e["mood"],
                        "derivedFrom": [{"reference": _urn(e["id"])}],
                    },
                )
            )
    if export.get("safety_plan"):
        resources.append(_care_plan(export["safety_plan"], patient_ref))
    resources.extend(fhir_resources(export.get("questionnaire_responses", []), patient_ref))
    resources.extend(consent_resources(export.get("consents", []), patient_ref))
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _iso(export["exported_at"]),
        "entry": [{"fullUrl": url, "resource": res} for url, res in resources],
    }
    Bundle.model_validate(bundle)  # refuse to hand out an invalid bundle
    return bundle
