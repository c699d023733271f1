"""The real server (`kap-journal serve`) on a free port, with the demo clinic in a temp SQLite file."""

import base64
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

SIGNING_KEY = "browser-tests-signing-key-0123456789abcdef0123"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def demo_server(folder: Path) -> Iterator[str]:
    """Migrate, seed the demo clinic, serve; stop the process afterwards."""
    cli = str(Path(sys.executable).parent / "kap-journal")
    env = os.environ | {
        "KAPJ_ENV": "development",
        "KAPJ_DATABASE_URL": f"sqlite:///{folder / 'clinic.db'}",
        "KAPJ_DATA_DIR": str(folder),
        "KAPJ_SIGNING_KEY": SIGNING_KEY,
        "KAPJ_ENCRYPTION_KEYS": "b1:" + base64.b64encode(os.urandom(32)).decode(),
        "KAPJ_INPROCESS_WORKER": "false",
        "KAPJ_LOG_LEVEL": "WARNING",
    }
    for command in (["migrate"], ["seed-demo"]):
        subprocess.run([cli, *command], env=env, check=True, capture_output=True, timeout=120)
    port = _free_port()
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [cli, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((folder / "server.log").read_text()[-2000:])
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
