"""Running a compiled TypeScript journey with node against the live test server."""

import os
import subprocess
from pathlib import Path

from tests.clients.generate import TS_DIR
from tests.conftest import Clock
from tests.factories import PASSWORD

TSC = TS_DIR / "node_modules" / ".bin" / "tsc"


def run_journey(
    script: Path, *, base_url: str, patient_email: str, therapist_email: str, clock: Clock
) -> str:
    """Node runs `script` as the patient and their therapist; its output, once it passed."""
    env = os.environ | {
        "KAPJ_BASE_URL": base_url,
        "KAPJ_PATIENT_EMAIL": patient_email,
        "KAPJ_THERAPIST_EMAIL": therapist_email,
        "KAPJ_PASSWORD": PASSWORD,
        "KAPJ_NOW": clock.now.isoformat(),
    }
    ran = subprocess.run(
        ["node", str(script)], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    return ran.stdout
