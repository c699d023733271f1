"""`kap-journal serve` as a real process on 127.0.0.1, for tests that kill it."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.conftest import TEST_ENCRYPTION_KEYS

BIN = Path(sys.executable).parent
PASSWORD = "fault-test-password"


def server_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    return (
        os.environ
        | {
            "KAPJ_ENV": "test",
            "KAPJ_DATABASE_URL": database_url,
            "KAPJ_DATA_DIR": str(data_dir),
            "KAPJ_SIGNING_KEY": "fault-signing-key-0123456789abcdef0123456789",
            "KAPJ_ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS,
            "KAPJ_RATE_LIMIT_ENABLED": "false",
            "KAPJ_LOG_LEVEL": "WARNING",
        }
        | extra
    )


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "kap-journal"), *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def create_patient(env: dict[str, str]) -> str:
    email = f"fault-{uuid.uuid4().hex[:8]}@clinic.example.org"
    cli(env, "create-user", "--role", "patient", "--email", email, "--password", PASSWORD)
    return email


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]

    def kill9(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def sign_in(self, email: str) -> dict[str, str]:
        r = httpx.post(
            self.url + "/v1/auth/token", data={"username": email, "password": PASSWORD}, timeout=30
        )
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}


@contextmanager
def serve(env: dict[str, str], log: Path) -> Iterator[Server]:
    """Start the server, wait until it is ready, and stop it afterwards."""
    port = _free_port()
    cmd = [str(BIN / "kap-journal"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", proc)
    try:
        deadline = time.monotonic() + 60  # a start-up bound, not a timing assertion
        while True:
            try:
                if httpx.get(server.url + "/readyz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"kap-journal serve did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        yield server
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Ask a process to end; kill it if it has not within 20 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def entry_body(client: int, n: int) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "body": f"client {client} entry {n}",
        "written_at": "2026-01-01T12:00:00Z",
    }
