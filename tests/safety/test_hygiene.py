"""Plan text and acknowledgement notes never reach logs, error bodies, metrics or audit.

The session-wide capture (tests/hygiene.py) fails the run if any log line holds
the canary; this test writes it through every safety route that takes text.
"""

from sqlalchemy import text
from sqlmodel import Session

from tests.entries.conftest import Team
from tests.hygiene import CANARY


def test_plan_text_and_notes_never_leave_through_logs_errors_metrics_or_audit(
    team: Team, db: Session
) -> None:
    c = team.client
    plan = {"reasons_for_living": [CANARY], "professionals": [{"name": CANARY, "contact": "1"}]}
    assert c.put("/v1/me/safety-plan", json=plan, headers=team.ph).status_code == 200
    flag_id = team.write(team.clock.now, body="Some days I want to die.")["safety"]["flag_id"]
    ack = f"/v1/safety-flags/{flag_id}/acknowledge"
    url = f"/v1/patients/{team.patient.id}/safety-plan"
    failing = [
        c.put("/v1/me/safety-plan", json=plan, headers=team.ph),  # 428
        c.put("/v1/me/safety-plan", json=plan, headers=team.ph | {"If-Match": '"v9"'}),  # 412
        c.put("/v1/me/safety-plan", json=plan | {"x": CANARY}, headers=team.ph),  # 422
        c.put("/v1/me/safety-plan", json={"warning_signs": [CANARY * 20]}, headers=team.ph),
        c.put(url, json=plan, headers=team.ph | {"If-Match": CANARY}),  # 412
        c.post(ack, json={"outcome": CANARY, "note": CANARY}, headers=team.th),  # 422
        c.post(ack, json={"outcome": "other", "note": CANARY * 100}, headers=team.th),  # 422
    ]
    assert c.post(ack, json={"outcome": "other", "note": CANARY}, headers=team.th).is_success
    failing.append(c.post(ack, json={"outcome": "other", "note": CANARY}, headers=team.th))  # 409
    assert sorted({r.status_code for r in failing}) == [409, 412, 422, 428]
    for r in failing:
        assert CANARY not in r.text
    assert c.get(url, headers=team.th).status_code == 200
    assert CANARY not in c.get("/metrics").text
    audit = db.exec(text("SELECT * FROM audit_event")).all()  # type: ignore[call-overload]
    assert audit
    assert CANARY not in repr(audit)
