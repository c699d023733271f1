"""Kotlin and Swift clients generate from the document without errors."""

from pathlib import Path

import pytest

from tests.clients.generate import BATCH

# One worker generates the clients (once per session) and runs every journey.
pytestmark = pytest.mark.xdist_group("clients")


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("kotlin", "kotlin/src/main/kotlin/org/kapjournal/models/SyncPage.kt"),
        ("swift5", "swift5/KapJournal/Classes/OpenAPIs/Models/SyncPage.swift"),
    ],
)
def test_the_generator_reports_no_errors(clients: Path, name: str, model: str) -> None:
    log = (clients / "openapi-generator.log").read_text(encoding="utf-8")
    assert "[SUCCESS] Batch generation finished 4 generators successfully" in log
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


def _model(clients: Path, name: str, file: str) -> str:
    return next((clients / name).rglob(file)).read_text(encoding="utf-8")


def test_kotlin_and_swift_answer_each_instrument_through_its_own_class(clients: Path) -> None:
    """The body is one class per instrument, its items integer fields: an app can answer
    a PHQ-9 and the daily check-in (no empty answer class, no map of anything)."""
    kotlin = _model(clients, "kotlin", "QuestionnaireResponseCreate.kt")
    assert "sealed interface QuestionnaireResponseCreate" in kotlin
    for variant in ("Phq9", "DailyCheckIn"):
        wrapper = f"value class {variant}Wrapper(val value: {variant}ResponseCreate)"
        assert f"{wrapper} : QuestionnaireResponseCreate" in kotlin
    assert 'element["code"]' in kotlin and '"phq9" ->' in kotlin
    phq9 = _model(clients, "kotlin", "Phq9Answers.kt")
    assert '@SerialName(value = "phq9_1")' in phq9 and "val phq91: kotlin.Long," in phq9
    assert "val phq9Difficulty: kotlin.Long? = null" in phq9
    assert "val checkInMood: kotlin.Long" in _model(clients, "kotlin", "DailyCheckInAnswers.kt")
    assert "val answers: Phq9Answers" in _model(clients, "kotlin", "Phq9ResponseCreate.kt")

    swift = _model(clients, "swift5", "QuestionnaireResponseCreate.swift")
    assert "public enum QuestionnaireResponseCreate: Codable" in swift
    assert "case typePhq9ResponseCreate(Phq9ResponseCreate)" in swift
    assert "case typeDailyCheckInResponseCreate(DailyCheckInResponseCreate)" in swift
    assert 'case "daily_check_in":' in swift and "Identifiable" not in swift
    assert "public var phq91: Int64\n" in _model(clients, "swift5", "Phq9Answers.swift")
    check_in = _model(clients, "swift5", "DailyCheckInAnswers.swift")
    assert "public var checkInMood: Int64\n" in check_in
    assert "public var answers: Phq9Answers\n" in _model(
        clients, "swift5", "Phq9ResponseCreate.swift"
    )
    for name in ("kotlin", "swift5"):
        assert not list((clients / name).rglob("AnswersValue*")), name


def test_kotlin_reads_every_one_of_into_a_sealed_interface(clients: Path) -> None:
    for file, name in (
        ("ChangesInner.kt", "ChangesInner"),
        ("AssignmentCreate.kt", "AssignmentCreate"),
    ):
        assert f"sealed interface {name} {{" in _model(clients, "kotlin", file), file


def test_the_documented_kotlin_configuration_sends_merge_patches() -> None:
    api = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    assert "encodeDefaults = false" in api
    assert "encodeDefaults=true" not in api.replace(" ", "")


def test_the_documented_kotlin_command_is_the_one_checked() -> None:
    api = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    options = ",".join(f"{k}={v}" for k, v in BATCH["kotlin"].items())
    assert f"--additional-properties={options}" in api
