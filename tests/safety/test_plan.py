"""The safety plan: written by the patient or the care team, versioned, encrypted,
synced, exported, and returned with every flag."""

import json
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.safety.models import SafetyPlan, SafetyPlanVersion
from tests.entries.conftest import Team
from tests.factories import make_patient, make_therapist

PLAN: dict[str, Any] = {
    "warning_signs": ["I stop answering messages"],
    "coping_strategies": ["Walk around the block", "Cold water on my face"],
    "distractions": ["The library on Main Street"],
    "people_to_ask_for_help": [{"name": "Maya (sister)", "contact": "555-0100"}],
    "professionals": [{"name": "988 Lifeline", "contact": "Call or text 988"}],
    "making_environment_safe": ["Maya keeps my medication"],
    "reasons_for_living": ["My daughter"],
}
ME = "/v1/me/safety-plan"


def _put(team: Team, body: dict[str, Any], if_match: str | None = None, **kw: Any) -> Any:
    headers = dict(kw.get("headers", team.ph))
    if if_match is not None:
        headers["If-Match"] = if_match
    # json.dumps escapes a lone surrogate as \\ud800, as a phone's JSON encoder may.
    headers["Content-Type"] = "application/json"
    return team.client.put(kw.get("url", ME), content=json.dumps(body), headers=headers)


def _stored(db: Session, team: Team) -> SafetyPlan | None:
    db.expire_all()
    return db.get(SafetyPlan, team.patient.id)


def test_the_first_put_creates_the_plan_without_if_match(team: Team) -> None:
    r = _put(team, PLAN)
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == '"v1"'
    assert r.json()["version"] == 1
    assert r.json()["coping_strategies"] == PLAN["coping_strategies"]
    got = team.client.get(ME, headers=team.ph)
    assert got.headers["ETag"] == '"v1"'
    assert got.json()["people_to_ask_for_help"] == PLAN["people_to_ask_for_help"]


def test_a_patient_without_a_plan_gets_a_stable_404(team: Team) -> None:
    r = team.client.get(ME, headers=team.ph)
    assert r.status_code == 404
    assert r.json()["code"] == "safety_plan_not_found"


def test_changing_an_existing_plan_without_if_match_is_428(team: Team, db: Session) -> None:
    _put(team, PLAN)
    r = _put(team, PLAN | {"reasons_for_living": ["The sea"]})
    assert r.status_code == 428
    assert r.json()["code"] == "precondition_required"
    stored = _stored(db, team)
    assert stored is not None and stored.version == 1


@pytest.mark.parametrize("stale", ['"v2"', '"v0"', "v1", '"garbage"', '""', "*", '"v2", *'])
def test_a_wrong_if_match_is_412_and_changes_nothing(team: Team, db: Session, stale: str) -> None:
    _put(team, PLAN)
    before = _stored(db, team)
    assert before is not None
    cipher = before.body_ciphertext
    r = _put(team, PLAN | {"reasons_for_living": ["The sea"]}, stale)
    assert r.status_code == 412
    assert r.json()["code"] == "precondition_failed"
    after = _stored(db, team)
    assert after is not None and (after.version, after.body_ciphertext) == (1, cipher)


def test_if_match_for_a_plan_that_does_not_exist_is_412(team: Team, db: Session) -> None:
    r = _put(team, PLAN, '"v1"')
    assert r.status_code == 412
    assert _stored(db, team) is None


def test_the_care_team_changes_the_plan_with_if_match_and_is_audited(
    team: Team, db: Session
) -> None:
    _put(team, PLAN)
    url = f"/v1/patients/{team.patient.id}/safety-plan"
    got = team.client.get(url, headers=team.th)
    assert got.status_code == 200
    changed = PLAN | {"coping_strategies": ["Breathing 4-7-8"]}
    r = _put(team, changed, got.headers["ETag"], url=url, headers=team.th)
    assert r.status_code == 200, r.text
    assert (r.json()["version"], r.json()["updated_by_role"]) == (2, "therapist")
    actions = db.exec(
        select(AuditEvent.action).where(AuditEvent.patient_id == team.patient.id)
    ).all()
    assert {"safety_plan.read", "safety_plan.update"} <= set(actions)


def test_the_history_shows_who_changed_which_sections_and_when(team: Team) -> None:
    _put(team, PLAN)
    team.clock.advance(hours=1)
    team.relogin()
    url = f"/v1/patients/{team.patient.id}/safety-plan"
    changed = PLAN | {"warning_signs": ["I skip meals"], "reasons_for_living": ["The sea"]}
    assert _put(team, changed, '"v1"', url=url, headers=team.th).status_code == 200
    r = team.client.get(f"{url}/history", headers=team.th)
    assert r.status_code == 200
    newest, first = r.json()["items"]
    assert newest["version"] == 2
    assert newest["author_id"] == str(team.therapist.id)
    assert newest["author_role"] == "therapist"
    assert newest["changed_fields"] == ["warning_signs", "reasons_for_living"]
    assert first["author_role"] == "patient"
    assert first["changed_at"] < newest["changed_at"]
    assert "skip meals" not in r.text


def test_the_same_plan_again_makes_no_new_version(team: Team) -> None:
    _put(team, PLAN)
    r = _put(team, PLAN, '"v1"')
    assert r.status_code == 200
    assert r.headers["ETag"] == '"v1"'


def test_the_plan_is_encrypted_at_rest(team: Team, db: Session) -> None:
    _put(team, PLAN)
    stored = _stored(db, team)
    assert stored is not None
    assert b"Maya" not in stored.body_ciphertext
    assert b"library" not in stored.body_ciphertext
    versions = db.exec(select(SafetyPlanVersion)).all()
    assert all("Maya" not in str(v.changed_fields) for v in versions)


def test_strangers_never_see_the_plan(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    _put(team, PLAN)
    url = f"/v1/patients/{team.patient.id}/safety-plan"
    for stranger in (make_therapist(db), make_patient(db)):
        r = team.client.get(url, headers=login(stranger))
        assert r.status_code == 404
        assert r.json()["code"] == "patient_not_found"


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"warning_signs": ["x" * 501]}, "warning_signs"),
        ({"coping_strategies": ["walk"] * 21}, "coping_strategies"),
        ({"people_to_ask_for_help": [{"name": "M" * 121, "contact": "1"}]}, "name"),
        ({"professionals": [{"name": "Dr"}]}, "contact"),
        ({"reasons_for_living": [""]}, "reasons_for_living"),
        ({"reasons_for_living": ["lone \ud800 surrogate"]}, "reasons_for_living"),
        ({"distractions": ["nul \x00 inside"]}, "distractions"),
        ({"hobbies": ["chess"]}, "hobbies"),
        ({"warning_signs": "not a list"}, "warning_signs"),
    ],
)
def test_bad_plans_are_refused_with_422_and_change_nothing(
    team: Team, db: Session, change: dict[str, Any], where: str
) -> None:
    _put(team, PLAN)
    before = _stored(db, team)
    assert before is not None
    cipher = before.body_ciphertext
    r = _put(team, PLAN | change, '"v1"')
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "validation_failed"
    assert where in r.text
    after = _stored(db, team)
    assert after is not None and (after.version, after.body_ciphertext) == (1, cipher)


# Any characters, lone surrogates included (which st.text leaves out by default).
ANY_CHARACTER = st.one_of(st.characters(), st.integers(0xD800, 0xDFFF).map(chr))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(ANY_CHARACTER, min_size=1, max_size=40))
def test_any_text_is_either_stored_as_sent_or_refused_with_422(team: Team, text: str) -> None:
    current = team.client.get(ME, headers=team.ph)
    etag = current.headers.get("ETag") if current.status_code == 200 else None
    r = _put(team, {"coping_strategies": [text]}, etag)
    assert r.status_code in (200, 422), r.text
    if r.status_code == 200:
        # A surrogate pair in the test's str arrives as the one character it encodes.
        assert r.json()["coping_strategies"] == [json.loads(json.dumps(text))]


def test_the_plan_comes_with_get_safety_and_with_every_flag(team: Team) -> None:
    _put(team, PLAN)
    info = team.client.get("/v1/safety", headers=team.ph).json()
    assert info["safety_plan"]["reasons_for_living"] == ["My daughter"]
    assert team.client.get("/v1/safety", headers=team.th).json()["safety_plan"] is None
    e = team.write(team.clock.now, body="Some days I want to die.")
    assert e["safety"]["safety_plan"]["reasons_for_living"] == ["My daughter"]


def test_a_flag_without_a_plan_says_so_with_null(team: Team) -> None:
    e = team.write(team.clock.now, body="Some days I want to die.")
    assert e["safety"]["safety_plan"] is None
    assert e["safety"]["crisis_resources"]


def _sync(team: Team, since: str | None = None, limit: int = 200) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": limit} | ({"since": since} if since else {})
    r = team.client.get("/v1/entries/sync", params=params, headers=team.ph)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_sync_sends_the_plan_once_after_each_change(team: Team) -> None:
    first = _sync(team)
    assert first["safety_plan"] is None
    _put(team, PLAN)
    changed = _sync(team, first["next_since"])
    assert changed["safety_plan"]["version"] == 1
    assert _sync(team, changed["next_since"])["safety_plan"] is None
    _put(team, PLAN | {"reasons_for_living": ["The sea"]}, '"v1"')
    again = _sync(team, changed["next_since"])
    assert again["safety_plan"]["reasons_for_living"] == ["The sea"]


def test_sync_pages_never_skip_a_plan_changed_between_entries(team: Team) -> None:
    team.write(team.clock.now, body="one")
    _put(team, PLAN)
    team.write(team.clock.now, body="two")
    team.write(team.clock.now, body="three")
    page = _sync(team, limit=1)
    seen_plan = page["safety_plan"] is not None
    while page["has_more"]:
        page = _sync(team, page["next_since"], limit=1)
        seen_plan = seen_plan or page["safety_plan"] is not None
    assert seen_plan
    assert _sync(team, page["next_since"])["safety_plan"] is None


def test_the_export_carries_the_plan_as_json_and_as_a_fhir_care_plan(team: Team) -> None:
    _put(team, PLAN)
    data = team.client.get("/v1/me/export", headers=team.ph).json()
    assert data["safety_plan"]["warning_signs"] == PLAN["warning_signs"]
    assert data["safety_plan"]["history"][0]["version"] == 1
    r = team.client.get("/v1/me/export", params={"format": "fhir"}, headers=team.ph)
    bundle = r.json()
    Bundle.model_validate(bundle)
    [plan] = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "CarePlan"]
    texts = [a["detail"]["description"] for a in plan["activity"]]
    assert "Maya (sister): 555-0100" in texts
    assert "My daughter" in texts
    assert plan["subject"]["reference"] == f"urn:uuid:{team.patient.id}"
