"""The shipped prompt library, kept in step with the database by id."""

import json
import uuid
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from sqlmodel import Session, col, select

from app.prompts.models import Prompt, Technique


def prompt_id(slug: str) -> uuid.UUID:
    """The id a library prompt has in the file (for the seed and tests)."""
    for item in library():
        if item["slug"] == slug:
            return uuid.UUID(item["id"])
    raise KeyError(slug)


@cache
def library() -> list[dict[str, Any]]:
    text = resources.files("app.prompts").joinpath("library.json").read_text(encoding="utf-8")
    return list(json.loads(text)["prompts"])


@cache
def translations(locale: str) -> dict[uuid.UUID, dict[str, Any]]:
    """The library in another locale (library.<locale>.json), by prompt id."""
    path = resources.files("app.prompts").joinpath(f"library.{locale}.json")
    if not path.is_file():
        return {}
    items = json.loads(path.read_text(encoding="utf-8"))["prompts"]
    return {uuid.UUID(item["id"]): item for item in items}


def localized(prompt_id: uuid.UUID, locale: str) -> tuple[str, str] | None:
    """A library prompt's (title, text) in `locale`, if it has them."""
    item = translations(locale).get(prompt_id) if locale != "en" else None
    return (item["title"], item["text"]) if item else None


def sync_library(db: Session, *, now: datetime, items: list[dict[str, Any]] | None = None) -> int:
    """Insert or update every library prompt (upsert by id); safe to run at every start."""
    changed = 0
    rows = {p.id: p for p in db.exec(select(Prompt).where(col(Prompt.slug).is_not(None))).all()}
    for item in library() if items is None else items:
        # Ids are written in the file and never change, so entries keep their prompt.
        pid = uuid.UUID(item["id"])
        row = rows.get(pid)
        fields = {
            "slug": item["slug"],
            "technique": Technique(item["technique"]),
            "phases": list(item["phases"]),
            "title": item["title"],
            "text": item["text"],
            "minutes": int(item["minutes"]),
            "locale": item.get("locale", "en"),
            "is_retired": bool(item.get("retired", False)),
            "is_look_ahead": bool(item.get("look_ahead", False)),
        }
        if row is None:
            db.add(Prompt(id=pid, created_at=now, updated_at=now, **fields))
            changed += 1
        elif any(getattr(row, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(row, k, v)
            row.updated_at = now
            db.add(row)
            changed += 1
    db.flush()
    return changed
