"""Demo questionnaire history: weeks of PHQ-9 and GAD-7 for alex (improving) and
jordan (flat), before and across their windows. Safe to run again (fixed ids)."""

import uuid
from datetime import timedelta

from sqlmodel import Session, col, select

from app.accounts.models import User
from app.core.clock import utcnow
from app.core.crypto import KeyRing
from app.questionnaires.deps import MeasureRules
from app.questionnaires.models import QuestionnaireResponse
from app.questionnaires.respond import NewResponse, record_response
from app.sessions.models import KetamineSession

# Totals before the first session (4 weeks, 2 weeks, the day before), then one per
# window's integration phase, oldest first.
COURSES = {
    "alex": {"phq9": [18, 17, 15, 11, 7], "gad7": [15, 14, 13, 9, 6]},
    "jordan": {"phq9": [12, 13, 12, 12, 13], "gad7": [10, 11, 10, 10, 11]},
}
ITEMS = {"phq9": 8, "gad7": 7}  # PHQ-9 item 9 stays 0 in the demo


def _answers(code: str, total: int) -> dict[str, object]:
    n = ITEMS[code]
    values = [total // n + (1 if i < total % n else 0) for i in range(n)]
    out: dict[str, object] = {f"{code}_{i}": v for i, v in enumerate(values, 1)}
    if code == "phq9":
        out["phq9_9"] = 0
    return out


def ensure_demo_measures(
    db: Session, users: dict[str, User], keyring: KeyRing, rules: MeasureRules
) -> None:
    now = utcnow()
    for name, course in COURSES.items():
        patient = users[name]
        sessions = db.exec(
            select(KetamineSession.administered_at)
            .where(KetamineSession.patient_id == patient.id)
            .order_by(col(KetamineSession.administered_at))
        ).all()
        if not sessions:
            continue
        first = sessions[0]
        times = [first - timedelta(days=28), first - timedelta(days=14), first - timedelta(days=1)]
        times += [s + timedelta(hours=25) for s in sessions if s + timedelta(hours=25) <= now]
        # The demo history starts four weeks before the first dose: the patient was
        # enrolled then, so enrolment questionnaires are not due again today.
        if patient.created_at > times[0]:
            patient.created_at = times[0] - timedelta(hours=1)
            db.add(patient)
            db.flush()
        for code, totals in course.items():
            for i, (at, total) in enumerate(zip(times, totals, strict=False)):
                rid = uuid.uuid5(uuid.NAMESPACE_URL, f"kap-journal-demo:measure:{name}:{code}:{i}")
                if db.get(QuestionnaireResponse, rid) is not None:
                    continue
                record_response(
                    db,
                    patient_id=patient.id,
                    new=NewResponse(rid, code, _answers(code, total), at),
                    idempotency_key=None,
                    keyring=keyring,
                    rules=rules,
                    now=now,
                )
