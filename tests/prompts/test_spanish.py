"""The Spanish library: same ids, techniques and phases as the English one, served by locale."""

import json
from importlib import resources
from typing import Any

from sqlmodel import Session

from app.prompts.library import library, prompt_id
from tests.entries.conftest import Team
from tests.prompts.helpers import all_prompts


def _spanish_file() -> dict[str, Any]:
    path = resources.files("app.prompts").joinpath("library.es.json")
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_every_english_prompt_served_has_a_spanish_text_with_the_same_technique_and_phases() -> (
    None
):
    english = {p["id"]: p for p in library() if not p.get("retired")}
    spanish = {p["id"]: p for p in _spanish_file()["prompts"]}
    assert set(spanish) == set(english)
    for pid, es in spanish.items():
        en = english[pid]
        assert (es["slug"], es["technique"], es["phases"]) == (
            en["slug"],
            en["technique"],
            en["phases"],
        )
        assert 0 < len(es["title"]) <= 120 and 0 < len(es["text"]) <= 2000
        assert (es["title"], es["text"]) != (en["title"], en["text"])


def test_the_spanish_library_covers_every_technique_in_every_phase_as_the_english_does() -> None:
    def coverage(items: list[dict[str, Any]]) -> set[tuple[str, str]]:
        return {(t, ph) for p in items for t in [p["technique"]] for ph in p["phases"]}

    served = [p for p in library() if not p.get("retired")]
    assert coverage(_spanish_file()["prompts"]) == coverage(served)


def test_a_spanish_speaker_gets_the_library_in_spanish(team: Team) -> None:
    team.client.patch("/v1/me", json={"locale": "es"}, headers=team.ph)
    items = all_prompts(team.client, team.ph)
    assert {p["locale"] for p in items} == {"es"}
    breaths = str(prompt_id("mind-five-breaths"))
    one = team.client.get(f"/v1/prompts/{breaths}", headers=team.ph).json()
    assert (one["title"], one["locale"]) == ("Cinco respiraciones lentas", "es")
    served = team.client.get("/v1/prompts/next", headers=team.ph).json()
    assert served["locale"] == "es"


def test_accept_language_picks_the_library_language_for_an_account_without_one(
    team: Team,
) -> None:
    breaths = str(prompt_id("mind-five-breaths"))
    url = f"/v1/prompts/{breaths}"
    spanish = team.client.get(url, headers=team.ph | {"Accept-Language": "es-US"}).json()
    english = team.client.get(url, headers=team.ph).json()
    assert (spanish["locale"], english["locale"]) == ("es", "en")
    assert english["title"] == "Five slow breaths"


def test_a_custom_prompt_is_shown_as_its_therapist_wrote_it(team: Team, db: Session) -> None:
    team.client.patch("/v1/me", json={"locale": "es"}, headers=team.ph)
    r = team.client.post(
        f"/v1/patients/{team.patient.id}/prompts",
        json={"title": "Tu perro", "text": "Escribe sobre él.", "technique": "capture"},
        headers=team.th,
    )
    pid = r.json()["prompt"]["id"]
    got = team.client.get(f"/v1/prompts/{pid}", headers=team.ph).json()
    assert (got["title"], got["custom"]) == ("Tu perro", True)
