"""Journal text goes in through every route that takes text, and never comes out elsewhere.

The canary is written as entry bodies, edits, review and session notes, and in
requests that fail in every way we know; then the logs, the error bodies, the
metrics and the audit trail are searched for it.
"""

import json
import uuid
from datetime import timedelta

from sqlalchemy import text
from sqlmodel import Session

from tests.entries.conftest import Team, iso, team
from tests.hygiene import CANARY, Capture

__all__ = ["team"]

RISKY = "and tonight I want to die"


def test_journal_text_never_reaches_logs_errors_metrics_or_audit(
    team: Team, db: Session, captured_logs: Capture
) -> None:
    c, now = team.client, team.clock.now
    session_id = team.session(now - timedelta(hours=3), note=CANARY)
    entry = team.write(now, body=CANARY)
    flagged = team.write(now, body=f"{CANARY} {RISKY}")
    assert flagged["safety"]["flagged"] is True
    private = team.write(now, body=CANARY, shared_with_care_team=False)
    ok = [
        c.patch(
            f"/v1/entries/{entry['id']}",
            json={"body": CANARY + " again"},
            headers=team.ph | {"If-Match": '"v1"'},
        ),
        c.put(
            f"/v1/entries/{entry['id']}/review",
            json={"note": CANARY, "discuss": True},
            headers=team.th,
        ),
        c.patch(f"/v1/sessions/{session_id}", json={"note": CANARY + "!"}, headers=team.th),
        c.get(f"/v1/patients/{team.patient.id}/entries", headers=team.th),
        c.get("/v1/entries/sync", headers=team.ph),
    ]
    assert [r.status_code for r in ok] == [200] * len(ok)

    body = {"body": CANARY, "written_at": iso(now)}
    failing = [
        # the same client id with different text: a conflict
        c.post("/v1/entries", json=body | {"id": entry["id"], "body": "x"}, headers=team.ph),
        c.post("/v1/entries", json=body | {"id": private["id"]}, headers=team.ph),
        c.post("/v1/entries", json=body | {"body": CANARY * 400}, headers=team.ph),
        c.post("/v1/entries", json=body | {"mood": CANARY}, headers=team.ph),
        c.post("/v1/entries", json=body | {"written_at": CANARY}, headers=team.ph),
        c.post("/v1/entries", json=body | {"body": [CANARY]}, headers=team.ph),
        c.post("/v1/entries", json=body | {"colour": CANARY}, headers=team.ph),
        c.post("/v1/entries", json=body | {"prompt_id": CANARY}, headers=team.ph),
        c.post(
            "/v1/entries",
            content=b'{"body": "' + CANARY.encode() + b'", ',
            headers=team.ph | {"Content-Type": "application/json"},
        ),
        c.post("/v1/entries", json=body | {"body": CANARY * 8000}, headers=team.ph),
        c.post("/v1/entries", json=body, headers=team.th),
        c.post("/v1/entries", json=body),
        c.patch(
            f"/v1/entries/{entry['id']}",
            json={"body": CANARY},
            headers=team.ph | {"If-Match": '"v1"'},
        ),
        c.patch(f"/v1/entries/{entry['id']}", json={"body": CANARY}, headers=team.ph),
        c.patch(f"/v1/entries/{uuid.uuid4()}", json={"body": CANARY}, headers=team.ph),
        c.put(
            f"/v1/entries/{private['id']}/review",
            json={"note": CANARY, "discuss": CANARY},
            headers=team.th,
        ),
        c.patch(f"/v1/sessions/{session_id}", json={"note": CANARY * 100}, headers=team.th),
    ]
    statuses = sorted({r.status_code for r in failing})
    assert statuses == [400, 401, 403, 404, 409, 412, 413, 422, 428]
    for r in failing:
        assert CANARY not in r.text, f"{r.request.method} {r.request.url} echoed journal text"
        assert "blue heron" not in r.text

    metrics = c.get("/metrics")
    assert metrics.status_code == 200
    assert "kapj_http_requests_total" in metrics.text
    assert CANARY not in metrics.text

    audit = db.exec(text("SELECT * FROM audit_event")).all()  # type: ignore[call-overload]
    assert audit, "care-team reads are audited"
    assert CANARY not in repr(audit)

    # The capture works: this test's requests are in it, without their text.
    lines = captured_logs.lines
    assert any(json.loads(line).get("route") == "/v1/entries" for line in lines)
    assert [line for line in lines if "heron" in line] == []
