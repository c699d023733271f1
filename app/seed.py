"""The demo clinic: safe to load again, it adds only what is missing."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select

from app.accounts.auth_service import find_user_by_email
from app.accounts.models import Role, User
from app.accounts.service import add_to_care_team, create_user
from app.core.clock import utcnow
from app.core.config import Settings
from app.core.context import AppContext
from app.core.crypto import KeyRing
from app.core.db import make_engine
from app.entries.models import JournalEntry
from app.entries.service import NewEntry, create_entry
from app.prompts.library import prompt_id, sync_library
from app.questionnaires.deps import measure_rules_from
from app.seed_care import ensure_demo_care
from app.seed_measures import ensure_demo_measures
from app.sessions.deps import rules_from
from app.sessions.models import KetamineSession, Route
from app.sessions.schemas import SessionCreate
from app.sessions.window import WindowRules
from app.usecases.act import Act
from app.usecases.sessions import record_session

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  (documented demo accounts)
DEMO_DOMAIN = "demo.kap-journal.org"


@dataclass(frozen=True)
class DemoUser:
    key: str
    role: Role
    display_name: str
    timezone: str
    locale: str | None = None

    @property
    def email(self) -> str:
        return f"{self.key}@{DEMO_DOMAIN}"


DEMO_USERS = [
    DemoUser("admin", Role.admin, "Clinic Admin", "America/New_York"),
    DemoUser("rivera", Role.therapist, "Dr. Ana Rivera", "America/New_York"),
    DemoUser("okafor", Role.therapist, "Dr. Chidi Okafor", "America/Chicago"),
    DemoUser("alex", Role.patient, "Alex", "America/New_York"),
    DemoUser("sam", Role.patient, "Sam", "America/Los_Angeles"),
    DemoUser("jordan", Role.patient, "Jordan", "Europe/London"),
    DemoUser("casey", Role.patient, "Casey", "America/Chicago"),
    DemoUser("lucia", Role.patient, "Lucía", "America/Mexico_City", locale="es"),
]

CARE_TEAMS = {
    "alex": ["rivera"],
    "sam": ["rivera"],
    "jordan": ["okafor"],
    "casey": ["okafor", "rivera"],
    "lucia": ["rivera"],
}


def ensure_demo_users(db: Session) -> dict[str, User]:
    now = utcnow()
    users: dict[str, User] = {}
    for demo in DEMO_USERS:
        user = find_user_by_email(db, demo.email) or create_user(
            db,
            email=demo.email,
            password=DEMO_PASSWORD,
            role=demo.role,
            display_name=demo.display_name,
            timezone=demo.timezone,
            now=now,
            locale=demo.locale,
        )
        users[demo.key] = user
    for patient, therapists in CARE_TEAMS.items():
        for therapist in therapists:
            add_to_care_team(
                db, patient_id=users[patient].id, therapist_id=users[therapist].id, now=now
            )
    return users


# (patient, hours ago, route, recorded by); alex and sam have a window open now.
DEMO_SESSIONS = [
    ("alex", 30, Route.iv, "rivera"),
    ("alex", 8 * 24, Route.iv, "rivera"),
    ("sam", 6, Route.im, "rivera"),
    ("jordan", 4 * 24, Route.sublingual, "okafor"),
    ("casey", 60, Route.intranasal, "okafor"),
    ("lucia", 26, Route.im, "rivera"),
]

# (patient, hours ago, mood, shared, text)
DEMO_ENTRIES = [
    (
        "alex",
        28,
        6,
        True,
        "Everything felt very far away and then very close. I kept thinking of the lake.",
    ),
    ("alex", 20, 7, True, "Slept well. The heaviness in my chest is lighter this morning."),
    ("alex", 4, 6, False, "Some of this I want to keep to myself for now."),
    ("alex", 2, 7, True, "Noticed I was kinder to myself when I burned the toast. Small, but new."),
    ("sam", 5, 5, True, "Colours were loud. I felt safe with the music."),
    (
        "jordan",
        90,
        4,
        True,
        "Tired today. The old story about not being enough came back, quieter.",
    ),
    ("casey", 50, 6, True, "I called my sister. We laughed about the dog."),
    ("casey", 40, 3, True, "Some nights I feel like I can't go on. Tonight was one of them."),
    (
        "lucia",
        24,
        6,
        True,
        "Sentí que flotaba. Al final me acordé de la cocina de mi abuela y me dio mucha paz.",
    ),
    (
        "lucia",
        3,
        7,
        True,
        "Hoy caminé sin prisa y noté el olor del pan de la esquina. Casi nunca lo noto.",
    ),
]

# Entries that answer a library prompt: (patient, hours ago) -> prompt slug.
DEMO_ANSWERS = {
    ("alex", 20): "capture-body-scan",
    ("alex", 2): "shift-small-things",
    ("lucia", 24): "capture-body-scan",
}


def _demo_id(*parts: object) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, "kap-journal-demo:" + ":".join(map(str, parts)))


def ensure_demo_sessions(db: Session, users: dict[str, User], ctx: AppContext) -> None:
    """Sessions for demo patients who have none yet; seeded times stay as they were."""
    now = utcnow()
    seeded = set(
        db.exec(
            select(KetamineSession.patient_id).where(
                col(KetamineSession.patient_id).in_([u.id for u in users.values()])
            )
        ).all()
    )
    for patient, hours, route, therapist in DEMO_SESSIONS:
        if users[patient].id in seeded:
            continue
        act = Act.offline(
            db, ctx, actor_id=users[therapist].id, role="therapist", now=now, request_id="demo"
        )
        record_session(
            act,
            patient_id=users[patient].id,
            self_report=False,
            new=SessionCreate(administered_at=now - timedelta(hours=hours), route=route),
        )


def ensure_demo_entries(
    db: Session, users: dict[str, User], keyring: KeyRing, rules: WindowRules
) -> None:
    now = utcnow()
    for patient, hours, mood, shared, text in DEMO_ENTRIES:
        entry_id = _demo_id("entry", patient, hours)
        if db.get(JournalEntry, entry_id) is not None:
            continue
        create_entry(
            db,
            patient_id=users[patient].id,
            new=NewEntry(
                id=entry_id,
                body=text,
                written_at=now - timedelta(hours=hours),
                mood=mood,
                prompt_id=prompt_id(DEMO_ANSWERS[(patient, hours)])
                if (patient, hours) in DEMO_ANSWERS
                else None,
                shared_with_care_team=shared,
            ),
            idempotency_key=None,
            keyring=keyring,
            rules=rules,
            now=now,
        )


def seed_demo(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    rules = rules_from(settings)
    keyring = KeyRing.parse(settings.resolved_encryption_keys())
    with Session(engine) as db, db.begin():
        sync_library(db, now=utcnow())
        users = ensure_demo_users(db)
        ensure_demo_sessions(db, users, AppContext.build(settings, engine))
        ensure_demo_entries(db, users, keyring, rules)
        ensure_demo_care(db, users, keyring, rules, settings.crisis_resources)
        ensure_demo_measures(db, users, keyring, measure_rules_from(settings))
    print(f"demo clinic ready: {len(users)} accounts, password {DEMO_PASSWORD!r}")
