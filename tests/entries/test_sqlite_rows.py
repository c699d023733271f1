"""SQLite's stored text comes back as the same aware UTC datetime."""

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite

from app.core.types import UTCDateTime
from app.entries.sqlite_rows import _bytes, _time

_store = UTCDateTime().bind_processor(sqlite.dialect())
_text = sqlite.DATETIME().bind_processor(sqlite.dialect())

# hypothesis takes naive bounds and attaches the zone itself
NAIVE_FROM = datetime(1970, 1, 1)  # noqa: DTZ001
NAIVE_TO = datetime(2200, 1, 1)  # noqa: DTZ001
aware = st.datetimes(min_value=NAIVE_FROM, max_value=NAIVE_TO, timezones=st.just(UTC))


@given(aware, st.integers(min_value=-14 * 60, max_value=14 * 60))
def test_stored_text_reads_back_as_the_same_instant(at: datetime, offset: int) -> None:
    local = at.astimezone(timezone(timedelta(minutes=offset)))
    assert _store is not None and _text is not None
    stored = _text(_store(local))
    back = _time(stored)
    assert back == at
    assert back is not None and back.utcoffset() == timedelta(0)


def test_text_with_an_offset_is_read_in_utc() -> None:
    assert _time("2026-01-01 12:00:00.000000+02:00") == datetime(2026, 1, 1, 10, tzinfo=UTC)
    assert _time(None) is None


def test_an_erased_text_stays_none() -> None:
    assert _bytes("") is None
    assert _bytes(None) is None
    assert _bytes("00ff") == b"\x00\xff"
