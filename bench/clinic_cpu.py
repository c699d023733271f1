"""Process CPU time of the clinic's queue and patient pages, in-process (TestClient).

    python -m bench.clinic_cpu            # N=40 requests per page after 3 warm-ups

CPU time rather than wall time, so a machine shared with other work still compares two
versions fairly: export each version's tree (`git archive <commit> app bench
migrations pyproject.toml alembic.ini | tar -x -C /tmp/x`) and run this with
`PYTHONPATH=/tmp/x` from that folder, alternating the versions a few times. The clinic is
bench.clinic's (100 patients, the first with 10 windows and 200 entries), on SQLite in a
temporary folder; LOCALE=es measures the pages in Spanish.
"""

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path


def main() -> None:
    work = Path(tempfile.mkdtemp())
    from bench.server import KEYS

    os.environ.update(
        KEYS
        | {
            "KAPJ_DATABASE_URL": f"sqlite:///{work / 'cpu.db'}",
            "KAPJ_DATA_DIR": str(work),
            "KAPJ_RATE_LIMIT_ENABLED": "false",
            "KAPJ_ENV": "development",
            "KAPJ_CLINIC_IDLE_MINUTES": "240",
        }
    )
    cli = Path(sys.executable).parent / "kap-journal"
    subprocess.run([str(cli), "migrate"], env=os.environ, check=True, capture_output=True)
    # bench.clinic imports bench.run, whose bare app wants a seeded database at import.
    sys.modules.setdefault("bench.run", types.SimpleNamespace(parse_wrk=None))  # type: ignore[arg-type]
    from fastapi.testclient import TestClient

    from app.core.crypto import KeyRing
    from app.main import create_app
    from bench import clinic

    patient = clinic.seed(
        os.environ["KAPJ_DATABASE_URL"], KeyRing.parse(KEYS["KAPJ_ENCRYPTION_KEYS"])
    )
    client = TestClient(create_app())
    headers = {"Accept-Language": os.environ.get("LOCALE", "en")}
    page = client.get("/clinic/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    form = {"email": clinic.THERAPIST, "password": clinic.PASSWORD, "csrf_token": token.group(1)}
    signed_in = client.post("/clinic/login", data=form, follow_redirects=False)
    assert signed_in.status_code == 303
    out = {}
    for name, url in (("queue", "/clinic/"), ("patient", f"/clinic/patients/{patient}")):
        times = []
        for i in range(int(os.environ.get("N", "40")) + 3):
            start = time.process_time()
            assert client.get(url, headers=headers).status_code == 200
            if i >= 3:  # warm-up
                times.append((time.process_time() - start) * 1000)
        out[name] = round(statistics.median(times), 1)
    print(f"CPU ms per request (median): {out}", flush=True)


if __name__ == "__main__":
    main()
