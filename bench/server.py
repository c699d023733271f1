"""Start `kap-journal serve` on a fresh database, and measure its memory."""

import base64
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, make_url, text

BIN = Path(sys.executable).parent
KEYS = {
    "KAPJ_SIGNING_KEY": "bench-signing-key-0123456789abcdef0123456789abcdef",
    "KAPJ_ENCRYPTION_KEYS": "b1:" + base64.b64encode(b"bench-key-" * 3 + b"32").decode(),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fresh_database(backend: str, workdir: Path, pg_url: str) -> str:
    """An empty database: a new SQLite file, or PostgreSQL dropped and created."""
    if backend == "sqlite":
        return f"sqlite:///{workdir / 'bench.db'}"
    url = make_url(pg_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    return pg_url


def bench_env(database_url: str, workdir: Path) -> dict[str, str]:
    return (
        os.environ
        | KEYS
        | {
            "KAPJ_DATABASE_URL": database_url,
            "KAPJ_DATA_DIR": str(workdir),
            "KAPJ_RATE_LIMIT_ENABLED": "false",
            "KAPJ_ACCESS_TOKEN_MINUTES": "600",
            "KAPJ_ENV": "development",
            "KAPJ_DB_POOL_SIZE": "20",  # wrk keeps 16 requests in flight
        }
    )


def run_cli(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "kap-journal"), *args], env=env, check=True, capture_output=True)


def seed(env: dict[str, str], entries: int, patients: int) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.seed",
            "--entries",
            str(entries),
            "--patients",
            str(patients),
        ],
        env=env,
        check=True,
    )


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]

    def rss_mb(self) -> float:
        """Resident memory of the server and its worker processes."""
        pids = [self.process.pid, *_children(self.process.pid)]
        total = 0
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except FileNotFoundError:
                continue
        return total / 1024


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids = (task / "children").read_text().split()
        for kid in kids:
            out += [int(kid), *_children(int(kid))]
    return out


def bare_command(port: int, workers: int) -> list[str]:
    """The bare reference (bench/bare.py) under uvicorn, as `serve` runs the product."""
    return [
        sys.executable,
        *("-m", "uvicorn", "bench.bare:app", "--port", str(port), "--workers", str(workers)),
        *("--no-access-log", "--no-server-header", "--log-level", "warning"),
    ]


@contextmanager
def serve(
    env: dict[str, str], workers: int, log: Path, *, bare: bool = False, ready: str = "/readyz"
) -> Iterator[Server]:
    port = free_port()
    cmd = [str(BIN / "kap-journal"), "serve", "--port", str(port), "--workers", str(workers)]
    if bare:
        cmd = bare_command(port, workers)
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + ready, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start; see {log}")
            time.sleep(0.2)
        yield Server(url, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def sign_in(url: str, email: str, password: str) -> str:
    r = httpx.post(url + "/v1/auth/token", data={"username": email, "password": password})
    r.raise_for_status()
    return str(r.json()["access_token"])


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="kapj-bench-"))
