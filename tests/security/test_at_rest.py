"""Questionnaire answers, their notes and doses are encrypted at rest; scores still work."""

from sqlalchemy import text
from sqlmodel import Session

from tests.entries.conftest import Team, iso
from tests.questionnaires.conftest import answer, phq9

NOTE = "A dull ache behind my eyes"
DOSE = 52.75


def _raw(db: Session, table: str) -> list[bytes]:
    """Every value of every row, as the database holds it."""
    rows = db.connection().execute(text(f"SELECT * FROM {table}")).all()
    out = []
    for row in rows:
        for value in row:
            out.append(
                bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
            )
    return out


def test_answers_notes_and_doses_are_not_in_the_rows(team: Team, db: Session) -> None:
    # Item 9 at 0: a flag for review would hold the session recorded below.
    scored = answer(team, "phq9", phq9(3, 3, 2, 2, 1, 1, 0, 1, 0), team.clock.now)
    assert (scored["score"], scored["severity"]) == (13, "moderate")  # scored on write
    ae = dict.fromkeys(("ae_nausea", "ae_dizziness", "ae_headache", "ae_dissociation"), 2)
    noted = answer(team, "after_effects", ae | {"ae_other": 1, "ae_note": NOTE}, team.clock.now)
    r = team.client.post(
        f"/v1/patients/{team.patient.id}/sessions",
        json={"administered_at": iso(team.clock.now), "route": "im", "dose_mg": DOSE},
        headers=team.th,
    )
    assert r.status_code == 201, r.text

    values = _raw(db, "questionnaire_response")
    for marker in (b"phq9_", b"ae_nausea", b"dull ache", b'": 3', b'":3'):
        assert not any(marker in v for v in values), marker
    assert not any(b"52.75" in v for v in _raw(db, "ketamine_session"))

    # Everyone who may read them still gets them back.
    mine = team.client.get("/v1/me/questionnaire-responses", headers=team.ph).json()["items"]
    by_id = {i["id"]: i for i in mine}
    assert by_id[scored["id"]]["answers"] == phq9(3, 3, 2, 2, 1, 1, 0, 1, 0)
    assert by_id[noted["id"]]["note"] == NOTE
    sessions = team.client.get(f"/v1/patients/{team.patient.id}/sessions", headers=team.th)
    assert [s["dose_mg"] for s in sessions.json()] == [DOSE]
