"""Kotlin and Swift clients generate from the document without errors."""

from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("kotlin", "kotlin/src/main/kotlin/org/kapjournal/models/SyncPage.kt"),
        ("swift5", "swift5/KapJournal/Classes/OpenAPIs/Models/SyncPage.swift"),
    ],
)
def test_the_generator_reports_no_errors(clients: Path, name: str, model: str) -> None:
    log = (clients / "openapi-generator.log").read_text(encoding="utf-8")
    assert "[SUCCESS] Batch generation finished 3 generators successfully" in log
    problems = [line for line in log.splitlines() if " ERROR " in line or "Exception" in line]
    assert problems == []
    assert (clients / model).is_file(), sorted(p.name for p in (clients / name).rglob("SyncPage*"))


def test_the_swift_sync_change_is_decoded_by_its_kind(clients: Path) -> None:
    change = next((clients / "swift5").rglob("ChangesInner.swift")).read_text(encoding="utf-8")
    assert "case typeEntryPublic(EntryPublic)" in change
    assert "case typeTombstone(Tombstone)" in change
    assert 'case "tombstone":' in change
