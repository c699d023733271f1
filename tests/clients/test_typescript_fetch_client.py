"""The TypeScript journey through openapi-generator's typescript-fetch client.

The generated API classes and models are copied to clients/ts/generated/fetch;
`tsc --strict` checks clients/ts/src-fetch against them (its own tsconfig: CommonJS
output and extension-less imports, as a React Native bundler reads them), and the
same code, compiled, runs with node against a server on 127.0.0.1.
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

PROJECT = TS_DIR / "src-fetch"


def _install_client(clients: Path) -> None:
    target = TS_DIR / "generated" / "fetch"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(clients / "typescript-fetch", target)


def _tsc(*args: str) -> None:
    done = subprocess.run(
        [str(TSC), "--strict", "-p", str(PROJECT), *args],
        cwd=TS_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_fetch_journey_passes_strict_type_checking(clients: Path) -> None:
    _install_client(clients)
    _tsc("--noEmit")


def test_the_fetch_journey_runs_against_a_real_server(
    clients: Path, base_url: str, live_db: Session, clock: Clock, tmp_path: Path
) -> None:
    _install_client(clients)
    patient = make_patient(live_db)
    therapist = make_therapist(live_db, patients=(patient,))
    live_db.commit()
    build = tmp_path / "build"
    _tsc("--outDir", str(build))
    (build / "package.json").write_text('{"type": "commonjs"}')
    out = run_journey(
        build / "src-fetch" / "journey.js",
        base_url=base_url,
        patient_email=patient.email,
        therapist_email=therapist.email,
        clock=clock,
    )
    assert "typescript-fetch journey: ok" in out
