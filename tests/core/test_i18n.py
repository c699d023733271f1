"""Message catalogues: compiled and committed, complete for the texts the app sends."""

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from app.core.i18n import LOCALE_DIR, translate
from app.integration import service as integration
from app.notifications import reminders
from app.safety import service as safety

SOURCES = [
    safety.NOT_MONITORED,
    safety.SCREENING,
    safety.FLAGGED_SHARED,
    safety.FLAGGED_PRIVATE,
    reminders.BODY,
    "A patient may need attention",
    "Open kap-journal to see a safety flag.",
    "Integration session soon",
    "You have entries to review before an integration session.",
]


def test_the_committed_mo_file_is_compiled_from_the_po_file() -> None:
    folder = LOCALE_DIR / "es" / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as f:
        po = {m.id: m.string for m in read_po(f) if m.id}
    with (folder / "messages.mo").open("rb") as f:
        mo = {m.id: m.string for m in read_mo(f) if m.id}
    assert mo == po, "run `make messages` and commit app/locale"


def test_every_text_the_app_sends_has_a_spanish_translation() -> None:
    for message in SOURCES:
        assert translate("es", message) != message, message


def test_english_and_unknown_locales_get_the_message_itself() -> None:
    assert translate("en", safety.NOT_MONITORED) == safety.NOT_MONITORED
    assert translate(None, safety.NOT_MONITORED) == safety.NOT_MONITORED
    assert translate("es", "Not in the catalogue") == "Not in the catalogue"


def test_the_notification_texts_in_the_code_match_the_catalogue() -> None:
    # Guards against rewording a title in code without updating the catalogue.
    code = (integration.__file__, safety.__file__)
    text = "".join(Path(path).read_text(encoding="utf-8") for path in code)
    for message in SOURCES[5:]:
        assert f'"{message}"' in text, message
