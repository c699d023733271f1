"""`shape=envelope`: the same changes, for generators that cannot read the union."""

from tests.entries.conftest import Team


def test_envelopes_carry_the_same_changes_as_the_union(team: Team) -> None:
    kept = team.write(team.clock.now, body="kept")
    gone = team.write(team.clock.now, body="gone")
    r = team.client.delete(f"/v1/entries/{gone['id']}", headers=team.ph | {"If-Match": '"v1"'})
    assert r.status_code == 204
    union = team.client.get("/v1/entries/sync", headers=team.ph).json()
    wrapped = team.client.get("/v1/entries/sync?shape=envelope", headers=team.ph).json()
    assert wrapped["changes"] == []
    assert [(e["kind"], e.get("entry"), e.get("tombstone")) for e in wrapped["envelopes"]] == [
        (c["kind"], c if c["kind"] == "entry" else None, c if c["kind"] == "tombstone" else None)
        for c in union["changes"]
    ]
    assert {c["id"] for c in union["changes"]} == {kept["id"], gone["id"]}
    assert wrapped["next_since"] == union["next_since"]
    assert union.get("envelopes") is None


def test_an_unknown_shape_is_refused(team: Team) -> None:
    r = team.client.get("/v1/entries/sync?shape=xml", headers=team.ph)
    assert r.status_code == 422
    assert r.json()["code"] == "validation_failed"
