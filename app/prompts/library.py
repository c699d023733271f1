"""The shipped prompt library, kept in step with the database by id."""

import json
import uuid
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from sqlmodel import Session

from app.prompts.models import Prompt, Technique

_NAMESPACE = uuid.UUID("6f1c2a7e-3b0d-4c55-9a51-8f2b7d0e4c13")


def prompt_id(slug: str) -> uuid.UUID:
    """Stable ids: editing a prompt's text keeps the entries that answered it valid."""
    return uuid.uuid5(_NAMESPACE, slug)


@cache
def library() -> list[dict[str, Any]]:
    text = resources.files("app.prompts").joinpath("library.json").read_text(encoding="utf-8")
    return list(json.loads(text)["prompts"])


def sync_library(db: Session, *, now: datetime) -> int:
    """Insert or update every library prompt; safe to run at every start."""
    changed = 0
    for item in library():
        pid = prompt_id(item["slug"])
        row = db.get(Prompt, pid)
        fields = {
            "slug": item["slug"],
            "technique": Technique(item["technique"]),
            "phases": list(item["phases"]),
            "title": item["title"],
            "text": item["text"],
            "minutes": int(item["minutes"]),
            "locale": item.get("locale", "en"),
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
