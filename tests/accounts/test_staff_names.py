"""Names a patient can trust: no look-alikes, no taking a name someone gave up."""

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from app.accounts.names import skeleton, skeletons
from tests.conftest import Clock
from tests.factories import make_admin, make_patient, make_therapist

REAL = "Dr. Rivera"


def _create(client: TestClient, headers: dict[str, str], name: str, n: int = 0):  # type: ignore[no-untyped-def]
    body = {"email": f"t{n}-{abs(hash(name))}@clinic.example.org", "role": "therapist"}
    return client.post("/v1/users", json=body | {"display_name": name}, headers=headers)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Dr. Rive\u2060ra", "display_name_unsafe"),  # word joiner
        ("Dr. Rive\u200bra", "display_name_unsafe"),  # zero-width space
        ("\u202eDr. Rivera", "display_name_unsafe"),  # right-to-left override
        ("Dr. Rivera\u200f", "display_name_unsafe"),  # right-to-left mark
        ("Dr. Riv\u0435ra", "display_name_mixed_script"),  # Cyrillic e
    ],
)
def test_look_alike_names_are_refused(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
    name: str,
    code: str,
) -> None:
    r = _create(client, login(make_admin(db)), name)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == code


def test_a_name_that_only_looks_the_same_is_taken(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    admin = login(make_admin(db))
    assert _create(client, admin, REAL).status_code == 201
    # Case, spacing and full-width forms make no new name.
    for n, twin in enumerate(
        ["DR. RIVERA", "\uff24\uff52. \uff32\uff49\uff56\uff45\uff52\uff41", "Dr.  Rivera"]
    ):
        r = _create(client, admin, twin, n)
        assert r.status_code == 409, (twin, r.text)
        assert r.json()["code"] == "display_name_taken"
    assert skeletons("Mr. HoImes") & skeletons("Mr. Holmes")
    assert skeletons("Mr. Ho1mes") & skeletons("Mr. Holmes")
    # A name in another alphabet that is not a look-alike is fine.
    assert (
        _create(client, admin, "\u0414-\u0440 \u0420\u0438\u0432\u0435\u0440\u0430", 9).status_code
        == 201
    )
    assert _create(client, admin, "José Núñez", 10).status_code == 201


def test_a_given_up_name_is_held_90_days_and_the_rename_is_told(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
    clock: Clock,
) -> None:
    patient = make_patient(db)
    real = make_therapist(db, patients=(patient,))
    admin = login(make_admin(db))
    assert (
        client.patch(f"/v1/users/{real.id}", json={"display_name": REAL}, headers=admin).status_code
        == 200
    )
    r = client.patch(f"/v1/users/{real.id}", json={"display_name": "Dr. M. Rivera"}, headers=admin)
    assert r.status_code == 200, r.text
    # The admin's own look-alike account cannot take the name the therapist gave up.
    r = _create(client, admin, REAL)
    assert r.status_code == 409 and r.json()["code"] == "display_name_reserved"
    # The patient was told of the rename, and it is in their access log.
    me = login(patient)
    bodies = [n["body"] for n in client.get("/v1/me/notifications", headers=me).json()["items"]]
    assert f"{REAL} on your care team is now called Dr. M. Rivera." in bodies
    log = client.get("/v1/me/access-log", headers=me).json()["items"]
    assert "account.rename" in [e["action"] for e in log]
    # After 90 days anyone may have it.
    clock.advance(days=89)
    assert _create(client, login(make_admin(db)), REAL).status_code == 409
    clock.advance(days=2)
    assert _create(client, login(make_admin(db)), REAL).status_code == 201


@given(st.text(min_size=1, max_size=30))
def test_case_and_width_never_make_a_new_name(name: str) -> None:
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)
    assert skeleton(name.casefold()) == skeleton(name)
    assert skeletons(wide) & skeletons(name)
