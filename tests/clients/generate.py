"""Clients generated from the app's OpenAPI document, once per test session.

Generation is cached under .cache/clients/<hash>, keyed by the document, the
generator's version and options and the TypeScript lock file: an unchanged contract
reuses the clients; any change to it generates them again, so the journeys run
against what the changed document generates and fail when it breaks a client.
"""

import fcntl
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.contract.spec import ROOT, render, spec

CACHE = ROOT / ".cache" / "clients"
TS_DIR = ROOT / "clients" / "ts"
GENERATOR = "openapi-generator-cli"
GENERATOR_VERSION = "7.26.0"  # as pinned in pyproject.toml
BATCH = {
    "python": {"packageName": "kapj_client"},
    # Retrofit, whose kotlinx models read a `oneOf` into a sealed interface of wrappers
    # (the default library's sealed class has no subclasses: no body could be sent).
    "kotlin": {
        "serializationLibrary": "kotlinx_serialization",
        "packageName": "org.kapjournal",
        "library": "jvm-retrofit2",
        "generateOneOfAnyOfWrappers": "true",
    },
    "swift5": {"projectName": "KapJournal"},
    # A React Native app's client: ES6 code, extension-less imports (Metro, webpack).
    # Signs become words in enum keys: `Etc/GMT+12` and `Etc/GMT-1` both made `EtcGmt12`.
    "typescript-fetch": {"supportsES6": "true", "enumPropertyNamingReplaceSpecialChar": "true"},
}


def _key(document: str) -> str:
    digest = hashlib.sha256(document.encode())
    digest.update(GENERATOR_VERSION.encode())
    digest.update(json.dumps(BATCH, sort_keys=True).encode())  # a changed option, too
    digest.update((TS_DIR / "package-lock.json").read_bytes())
    return digest.hexdigest()[:20]


def _run(cmd: list[str], cwd: Path, log: Path) -> None:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600, check=False)
    log.write_text(done.stdout + done.stderr, encoding="utf-8")
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} failed ({done.returncode}):\n{log.read_text()[-4000:]}"
        )


def _openapi_generator(out: Path) -> None:
    configs = []
    for name, props in BATCH.items():
        config = out / f"{name}.yaml"
        lines = [f"generatorName: {name}", "inputSpec: openapi.json", f"outputDir: {name}"]
        lines += ["additionalProperties:"] + [f"  {k}: {v}" for k, v in props.items()]
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        configs.append(config.name)
    generator = str(Path(sys.executable).with_name(GENERATOR))
    cmd = [generator, "batch", "--fail-fast", "--threads", "2", *configs]
    _run(cmd, out, out / "openapi-generator.log")


def _openapi_typescript(out: Path) -> None:
    cli = TS_DIR / "node_modules" / ".bin" / "openapi-typescript"
    # Request fields with a default stay optional (the server fills them in).
    args = [str(cli), str(out / "openapi.json"), "--default-non-nullable=false"]
    _run([*args, "-o", str(out / "schema.d.ts")], TS_DIR, out / "ts.log")


def generated() -> Path:
    """The folder holding openapi.json and each generated client, made if missing."""
    document = render(spec())
    out = CACHE / _key(document)
    CACHE.mkdir(parents=True, exist_ok=True)
    # One generation at a time: parallel test workers wait for the first one's clients.
    with (CACHE / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "complete").exists():
            _generate(document, out)
    return out


def _generate(document: str, out: Path) -> None:
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    (tmp / "openapi.json").write_text(document, encoding="utf-8")
    _openapi_generator(tmp)
    _openapi_typescript(tmp)
    (tmp / "complete").touch()
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
