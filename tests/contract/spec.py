"""The app's OpenAPI document, built once, and `python -m tests.contract.spec` to write it.

`make openapi` runs that: it rewrites docs/openapi.json and the operationId snapshot
(tests/contract/operation_ids.txt) from the app as it is now.
"""

import functools
import json
import tempfile
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from app.core.config import Settings
from app.main import create_app
from tests.conftest import TEST_ENCRYPTION_KEYS

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "docs" / "openapi.json"
SNAPSHOT = Path(__file__).with_name("operation_ids.txt")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


@functools.cache
def spec() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            Settings(
                env="test",
                database_url="sqlite://",
                data_dir=Path(tmp),
                signing_key=SecretStr("spec-signing-key-0123456789abcdef0123456789ab"),
                encryption_keys=SecretStr(TEST_ENCRYPTION_KEYS),
            )
        )
        return app.openapi()


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def operation_id_lines(document: dict[str, Any]) -> str:
    rows = sorted(f"{op['operationId']} {m} {p}" for m, p, op in operations(document))
    return "\n".join(rows) + "\n"


def main() -> None:
    document = spec()
    COMMITTED.write_text(render(document), encoding="utf-8")
    SNAPSHOT.write_text(operation_id_lines(document), encoding="utf-8")
    print(f"wrote {COMMITTED.relative_to(ROOT)} and {SNAPSHOT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
