"""The therapist's queue and the integration-prep summary."""

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.prompts.library import library, prompt_id
from tests.entries.conftest import Team, iso
from tests.entries.test_access import count_statements
from tests.factories import auth_headers, make_admin, make_patient, make_session, make_therapist


def test_queue_orders_flags_then_integration_then_unreviewed(team: Team, db: Session, app) -> None:  # type: ignore[no-untyped-def]
    now = team.clock.now
    therapist = team.therapist
    quiet, busy, flagged, soon, idle = (
        make_patient(db, email=f"{n}@clinic.example.org")
        for n in ("quiet", "busy", "flagged", "soon", "idle")
    )
    make_therapist(db, patients=())  # someone else's patients stay out
    from app.accounts.models import CareTeamMember

    for p in (quiet, busy, flagged, soon, idle):
        db.add(CareTeamMember(patient_id=p.id, therapist_id=therapist.id, created_at=now))
    db.flush()
    s_quiet = make_session(
        db, patient=quiet, administered_at=now - timedelta(hours=100), recorded_by=therapist
    )  # closed 52 h ago
    make_session(db, patient=busy, administered_at=now - timedelta(hours=10), recorded_by=therapist)
    make_session(
        db, patient=flagged, administered_at=now - timedelta(hours=200), recorded_by=therapist
    )
    s_soon = make_session(
        db, patient=soon, administered_at=now - timedelta(hours=20), recorded_by=therapist
    )
    make_session(
        db, patient=idle, administered_at=now - timedelta(hours=300), recorded_by=therapist
    )
    tokens = app.state.ctx.tokens

    def write(patient, body: str, shared: bool = True) -> None:  # type: ignore[no-untyped-def]
        h = auth_headers(db, tokens, patient, now=now)
        r = team.client.post(
            "/v1/entries",
            json={
                "body": body,
                "written_at": iso(now - timedelta(hours=1)),
                "shared_with_care_team": shared,
            },
            headers=h,
        )
        assert r.status_code == 201

    for _ in range(3):
        write(busy, "a lot to say")
    write(flagged, "I want to die", shared=False)
    team.client.post(
        f"/v1/patients/{soon.id}/integration-sessions",
        json={"session_id": str(s_soon.id), "scheduled_at": iso(now + timedelta(hours=5))},
        headers=team.th,
    )
    r = team.client.get("/v1/therapist/queue", headers=team.th)
    assert r.status_code == 200
    names = [i["patient"]["display_name"] for i in r.json()["items"]]
    ids = [i["patient"]["id"] for i in r.json()["items"]]
    assert ids[:3] == [str(flagged.id), str(soon.id), str(busy.id)]
    assert str(quiet.id) in ids and str(idle.id) not in ids
    assert len(names) == len(set(ids))
    flagged_item = r.json()["items"][0]
    assert flagged_item["open_flags"] == 1 and flagged_item["unreviewed"] == 0
    assert "I want to die" not in r.text
    quiet_item = next(i for i in r.json()["items"] if i["patient"]["id"] == str(quiet.id))
    assert quiet_item["window"]["open"] is False and quiet_item["window"]["session_id"] == str(
        s_quiet.id
    )


def test_queue_is_for_therapists(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    for who in (team.ph, login(make_admin(db))):
        assert team.client.get("/v1/therapist/queue", headers=who).status_code == 403
    assert team.client.get("/v1/therapist/queue").status_code == 401


def test_summary_shows_shared_entries_and_only_the_fact_of_private_flags(
    team: Team, engine: Engine
) -> None:
    at = team.clock.now - timedelta(hours=30)
    sid = team.session(at)
    team.write(at + timedelta(hours=2), body="early and shared", mood=4)
    team.write(
        at + timedelta(hours=3), body="private secret words", shared_with_care_team=False, mood=1
    )
    team.write(at + timedelta(hours=4), body="I want to die quietly", shared_with_care_team=False)
    late = team.write(at + timedelta(hours=26), body="integration thoughts", mood=6)
    team.client.put(
        f"/v1/entries/{late['id']}/review",
        json={"note": "ask about sleep", "discuss": True},
        headers=team.th,
    )
    url = f"/v1/patients/{team.patient.id}/sessions/{sid}/summary"
    with count_statements(engine) as seen:
        r = team.client.get(url, headers=team.th)
    assert r.status_code == 200
    s = r.json()
    assert [e["body"] for e in s["entries"]] == ["early and shared", "integration thoughts"]
    assert [(m["mood"], m["phase"]) for m in s["mood_series"]] == [(4, "early"), (6, "integration")]
    assert s["entries"][1]["reviews"][0]["note"] == "ask about sleep"
    assert len(s["safety_flags"]) == 1
    assert (
        s["safety_flags"][0]["on_private_entry"] is True
        and s["safety_flags"][0]["entry_id"] is None
    )
    assert "private secret" not in r.text and "die quietly" not in r.text
    assert s["window"]["opens_at"] == iso(at)
    assert len(seen) <= 15


def test_summary_access(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    sid = team.session(team.clock.now - timedelta(hours=3))
    url = f"/v1/patients/{team.patient.id}/sessions/{sid}/summary"
    for stranger in (make_therapist(db), make_patient(db), make_admin(db), team.patient):
        assert team.client.get(url, headers=login(stranger)).status_code == 404
    other = make_patient(db)
    other_session = make_session(
        db, patient=other, administered_at=team.clock.now - timedelta(hours=1)
    )
    wrong = f"/v1/patients/{team.patient.id}/sessions/{other_session.id}/summary"
    assert team.client.get(wrong, headers=team.th).status_code == 404


def test_the_queue_lists_open_flags_so_each_can_be_acknowledged(team: Team) -> None:
    # No session at all: the flagged entry has no window, so no summary shows it.
    unattached = team.write(team.clock.now, body="I want to die", shared_with_care_team=False)
    team.write(team.clock.now, body="a calm day")
    r = team.client.get("/v1/therapist/queue", headers=team.th)
    item = r.json()["items"][0]
    assert item["open_flags"] == 1
    [flag] = item["safety_flags"]
    assert flag == {
        "id": unattached["safety"]["flag_id"],
        "level": "review",
        "raised_at": iso(team.clock.now),
        "session_id": None,
        "entry_id": None,
        "on_private_entry": True,
        # No integration session: it waits at most until the next dose.
        "acknowledge_by": None,
        "acknowledge_before": "next_dose",
        "overdue": False,
    }
    assert "want to die" not in r.text
    ack = team.client.post(
        f"/v1/safety-flags/{flag['id']}/acknowledge",
        json={"outcome": "contacted_patient"},
        headers=team.th,
    )
    assert ack.status_code == 200
    item = team.client.get("/v1/therapist/queue", headers=team.th).json()["items"][0]
    assert (item["open_flags"], item["safety_flags"]) == (0, [])


def test_a_flag_outlives_the_deletion_of_its_entry(team: Team) -> None:
    at = team.clock.now - timedelta(hours=3)
    sid = team.session(at)
    e = team.write(at + timedelta(hours=1), body="better off dead")
    deleted = team.client.delete(f"/v1/entries/{e['id']}", headers=team.ph | {"If-Match": '"v1"'})
    assert deleted.status_code == 204
    item = team.client.get("/v1/therapist/queue", headers=team.th).json()["items"][0]
    assert [(f["id"], f["entry_id"], f["session_id"]) for f in item["safety_flags"]] == [
        (e["safety"]["flag_id"], None, sid)
    ]
    summary = team.client.get(
        f"/v1/patients/{team.patient.id}/sessions/{sid}/summary", headers=team.th
    ).json()
    assert [(f["id"], f["entry_id"]) for f in summary["safety_flags"]] == [
        (e["safety"]["flag_id"], None)
    ]
    assert summary["entries"] == []


def test_the_summary_names_the_prompts_answered_in_shared_entries_only(team: Team) -> None:
    at = team.clock.now - timedelta(hours=5)
    sid = team.session(at)
    shared, private = (str(prompt_id(p["slug"])) for p in library()[:2])
    team.write(at + timedelta(hours=1), prompt_id=shared)
    team.write(at + timedelta(hours=2), prompt_id=private, shared_with_care_team=False)
    url = f"/v1/patients/{team.patient.id}/sessions/{sid}/summary"
    answered = team.client.get(url, headers=team.th).json()["prompts_answered"]
    assert [(p["id"], p["title"]) for p in answered] == [(shared, library()[0]["title"])]


def test_the_summary_costs_the_same_statements_for_2_or_20_entries(
    team: Team, engine: Engine
) -> None:
    pid = str(prompt_id(library()[0]["slug"]))
    costs = []
    for n in (2, 20):
        at = team.clock.now - timedelta(hours=40 if n == 2 else 20)
        sid = team.session(at)
        for i in range(n):
            e = team.write(at + timedelta(minutes=10 + i), mood=i % 11, prompt_id=pid)
            team.write(at + timedelta(minutes=10 + i), body="private", shared_with_care_team=False)
            team.client.put(f"/v1/entries/{e['id']}/review", json={"note": "n"}, headers=team.th)
        team.write(at + timedelta(hours=1), body="I want to die")
        url = f"/v1/patients/{team.patient.id}/sessions/{sid}/summary"
        with count_statements(engine) as seen:
            r = team.client.get(url, headers=team.th)
        assert r.status_code == 200 and len(r.json()["entries"]) == n + 1
        costs.append(len(seen))
    # 16: one of them reads the episodes (answers out of treatment are not shown).
    assert costs[0] == costs[1] <= 16


def test_queue_counts_unreviewed_entries_of_any_age(team: Team) -> None:
    team.write(team.clock.now - timedelta(days=400), body="long ago")
    team.write(team.clock.now - timedelta(days=29), body="recent")
    items = team.client.get("/v1/therapist/queue", headers=team.th).json()["items"]
    assert [(i["patient"]["id"], i["unreviewed"]) for i in items] == [(str(team.patient.id), 2)]
