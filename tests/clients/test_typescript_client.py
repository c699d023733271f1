"""The TypeScript journey: types from openapi-typescript, calls through openapi-fetch.

`tsc --noEmit --strict` checks clients/ts/src against the types generated from the
app's document; the same code, compiled, then runs with node against a server on
127.0.0.1.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlmodel import Session

from tests.clients.generate import TS_DIR
from tests.clients.node import TSC, run_journey
from tests.conftest import Clock
from tests.factories import make_patient, make_therapist

# One worker generates the clients (once per session) and runs every journey. A journey
# checks the client against the contract; the API's database behaviour is checked on
# both backends by the API's own tests, so the journeys run on SQLite only.
pytestmark = [pytest.mark.xdist_group("clients"), pytest.mark.one_backend]


def _install_types(clients: Path) -> None:
    (TS_DIR / "generated").mkdir(exist_ok=True)
    shutil.copyfile(clients / "schema.d.ts", TS_DIR / "generated" / "schema.d.ts")


def test_the_typed_journey_passes_strict_type_checking(clients: Path) -> None:
    _install_types(clients)
    done = subprocess.run(
        [str(TSC), "--noEmit", "--strict", "-p", "."],
        cwd=TS_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_typed_journey_runs_against_a_real_server(
    clients: Path, base_url: str, live_db: Session, clock: Clock, tmp_path: Path
) -> None:
    _install_types(clients)
    patient = make_patient(live_db)
    therapist = make_therapist(live_db, patients=(patient,))
    live_db.commit()
    build = tmp_path / "build"
    compiled = subprocess.run(
        [str(TSC), "-p", ".", "--outDir", str(build)],
        cwd=TS_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    # Node resolves openapi-fetch from the folder the script is in.
    (build / "node_modules").symlink_to(TS_DIR / "node_modules")
    (build / "package.json").write_text('{"type": "module"}')
    out = run_journey(
        build / "journey.js",
        base_url=base_url,
        patient_email=patient.email,
        therapist_email=therapist.email,
        clock=clock,
    )
    assert "typescript journey: ok" in out
