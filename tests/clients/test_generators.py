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


def test_the_swift_union_is_not_identifiable(clients: Path) -> None:
    # Identifiable needs an `id` property, which the union's enum does not have.
    change = next((clients / "swift5").rglob("ChangesInner.swift")).read_text(encoding="utf-8")
    assert "Identifiable" not in change
    entry = next((clients / "swift5").rglob("EntryPublic.swift")).read_text(encoding="utf-8")
    assert "extension EntryPublic: Identifiable {}" in entry


def test_kotlin_and_swift_answers_are_integers(clients: Path) -> None:
    """An empty answer class (from anyOf[int, string]) cannot answer a questionnaire."""
    kotlin = next((clients / "kotlin").rglob("QuestionnaireResponseCreate.kt")).read_text()
    assert "val answers: kotlin.collections.Map<kotlin.String, kotlin.Long>" in kotlin
    swift = next((clients / "swift5").rglob("QuestionnaireResponseCreate.swift")).read_text()
    assert "public var answers: [String: Int64]" in swift
    for name in ("kotlin", "swift5"):
        assert not list((clients / name).rglob("AnswersValue*")), name


def test_the_documented_kotlin_configuration_sends_merge_patches() -> None:
    api = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    assert "encodeDefaults = false" in api
    assert "encodeDefaults=true" not in api.replace(" ", "")
