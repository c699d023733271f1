"""The demo clinic: safe to load again, it adds only what is missing."""

from dataclasses import dataclass

from sqlmodel import Session

from app.accounts.auth_service import find_user_by_email
from app.accounts.models import Role, User
from app.accounts.service import add_to_care_team, create_user
from app.core.clock import utcnow
from app.core.config import Settings
from app.core.db import make_engine

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  (documented demo accounts)
DEMO_DOMAIN = "demo.kap-journal.org"


@dataclass(frozen=True)
class DemoUser:
    key: str
    role: Role
    display_name: str
    timezone: str

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
]

CARE_TEAMS = {
    "alex": ["rivera"],
    "sam": ["rivera"],
    "jordan": ["okafor"],
    "casey": ["okafor", "rivera"],
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
        )
        users[demo.key] = user
    for patient, therapists in CARE_TEAMS.items():
        for therapist in therapists:
            add_to_care_team(
                db, patient_id=users[patient].id, therapist_id=users[therapist].id, now=now
            )
    return users


def seed_demo(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    with Session(engine) as db, db.begin():
        users = ensure_demo_users(db)
    print(f"demo clinic ready: {len(users)} accounts, password {DEMO_PASSWORD!r}")
