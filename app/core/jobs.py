"""The worker's two hooks, which each domain fills in its own `jobs.py`.

`CONDITIONS` answer "is this due reminder still wanted?" when it falls due, keyed by
the notification's `condition` (in its data) or else its `kind`. `JOBS` are periodic
work run after each delivery pass, each in its own transactions. `app/worker.py`
gathers them, so no module holds a switch over every domain.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.core.config import Settings

Condition = Callable[[Session, Any], bool]


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[Engine, Settings, datetime], object]
