"""Reviews: the care team marks entries read; edits make a review stale."""

from datetime import timedelta

from sqlalchemy import text
from sqlmodel import Session

from tests.entries.conftest import Team
from tests.factories import make_admin, make_patient, make_therapist


def _review(team: Team, entry_id: str, **body: object) -> dict:  # type: ignore[type-arg]
    r = team.client.put(
        f"/v1/entries/{entry_id}/review", json={"discuss": False} | body, headers=team.th
    )
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_review_with_a_private_note(team: Team, db: Session) -> None:
    e = team.write(team.clock.now)
    review = _review(team, e["id"], note="Bring up the lake image.", discuss=True)
    assert review["note"] == "Bring up the lake image."
    assert (review["discuss"], review["stale"], review["therapist_id"]) == (
        True,
        False,
        str(team.therapist.id),
    )
    seen = team.client.get(f"/v1/entries/{e['id']}", headers=team.th).json()
    assert seen["reviews"][0]["note"] == "Bring up the lake image."
    # The patient never sees the note, nor the review.
    own = team.get(e["id"])
    assert own["reviews"] is None
    assert "lake image" not in team.client.get("/v1/entries", headers=team.ph).text
    raw = db.execute(text("SELECT note_ciphertext FROM entry_review")).scalar_one()
    assert b"lake image" not in bytes(raw)


def test_editing_a_reviewed_entry_makes_the_review_stale(team: Team) -> None:
    e = team.write(team.clock.now)
    _review(team, e["id"])
    team.client.patch(
        f"/v1/entries/{e['id']}", json={"body": "changed"}, headers=team.ph | {"If-Match": '"v1"'}
    )
    seen = team.client.get(f"/v1/entries/{e['id']}", headers=team.th).json()
    assert seen["reviews"][0]["stale"] is True
    again = _review(team, e["id"])
    assert again["stale"] is False and again["reviewed_version"] == 2


def test_reviewed_false_lists_what_is_still_to_read(team: Team) -> None:
    a = team.write(team.clock.now - timedelta(minutes=2))
    b = team.write(team.clock.now - timedelta(minutes=1))
    team.write(team.clock.now, shared_with_care_team=False)
    _review(team, a["id"])
    url = f"/v1/patients/{team.patient.id}/entries"
    todo = team.client.get(url, params={"reviewed": "false"}, headers=team.th).json()["items"]
    assert [e["id"] for e in todo] == [b["id"]]
    done = team.client.get(url, params={"reviewed": "true"}, headers=team.th).json()["items"]
    assert [e["id"] for e in done] == [a["id"]]


def test_session_counts_show_unreviewed_and_flagged(team: Team) -> None:
    sid = team.session(team.clock.now - timedelta(hours=5))
    a = team.write(team.clock.now - timedelta(hours=4))
    team.write(team.clock.now - timedelta(hours=3))
    team.write(
        team.clock.now - timedelta(hours=2), body="I want to die", shared_with_care_team=False
    )
    _review(team, a["id"])
    listed = team.client.get(f"/v1/patients/{team.patient.id}/sessions", headers=team.th).json()
    assert listed[0]["id"] == sid
    assert listed[0]["counts"] == {"entries": 2, "unreviewed": 1, "flagged": 1}
    mine = team.client.get(f"/v1/patients/{team.patient.id}/sessions", headers=team.ph).json()
    assert mine[0]["counts"]["entries"] == 3


def test_only_the_care_team_reviews(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    e = team.write(team.clock.now)
    private = team.write(team.clock.now, shared_with_care_team=False)
    for stranger in (make_therapist(db), make_patient(db), make_admin(db)):
        r = team.client.put(
            f"/v1/entries/{e['id']}/review", json={"discuss": True}, headers=login(stranger)
        )
        assert r.status_code == 404
    assert (
        team.client.put(f"/v1/entries/{e['id']}/review", json={}, headers=team.ph).status_code
        == 403
    )
    r = team.client.put(f"/v1/entries/{private['id']}/review", json={}, headers=team.th)
    assert r.status_code == 404
    assert (
        team.client.put(
            f"/v1/entries/{e['id']}/review", json={"note": "x" * 5001}, headers=team.th
        ).status_code
        == 422
    )
