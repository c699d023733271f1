"""The kap-journal command: serve, migrate, create-user, seed-demo, worker."""

import argparse
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from app.core.config import get_settings
from app.core.logging import configure_logging


def _prepare_sqlite_dir(url: str) -> None:
    from pathlib import Path

    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def cmd_migrate(_args: argparse.Namespace) -> int:
    from app.core.migrate import upgrade

    url = get_settings().database_url
    _prepare_sqlite_dir(url)
    upgrade(url)
    _sync_prompt_library(url)
    print("database migrated to head; prompt library in step")
    return 0


def _sync_prompt_library(url: str) -> None:
    from sqlmodel import Session

    from app.core.clock import utcnow
    from app.core.db import make_engine
    from app.prompts.library import sync_library

    engine = make_engine(url, pool_size=1)
    with Session(engine) as db, db.begin():
        sync_library(db, now=utcnow())
    engine.dispose()


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.notifications.sending import check_push_settings

    check_push_settings(get_settings())
    cmd_migrate(args)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=None,
        access_log=False,
        proxy_headers=args.proxy_headers,
        server_header=False,
    )
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from pydantic import create_model
    from sqlmodel import Session

    from app.accounts.passwords import check_new_password
    from app.accounts.schemas import Password, UserCreate
    from app.accounts.service import create_user
    from app.core.clock import utcnow
    from app.core.db import make_engine

    # The operator at the console may still set a password; it must be a good one.
    console = create_model("ConsolePassword", password=(Password, ...))
    password: str = console(password=args.password).password  # type: ignore[attr-defined]
    check_new_password(password, context=[args.email])
    body = UserCreate(
        email=args.email,
        role=args.role,
        display_name=args.display_name or args.email.split("@")[0],
        timezone=args.timezone,
    )
    engine = make_engine(get_settings().database_url)
    with Session(engine) as db, db.begin():
        user = create_user(db, **body.model_dump(), password=password, now=utcnow())
        print(f"created {user.role} {user.email} ({user.id})")
    return 0


def cmd_care_team(args: argparse.Namespace) -> int:
    """Add or remove a therapist on a patient's care team, as an admin, through the use
    case the API and the clinic call: audited, and the patient is told."""
    from sqlmodel import Session, select

    from app.accounts.models import Role, User
    from app.core.clock import utcnow
    from app.core.context import AppContext
    from app.core.db import make_engine
    from app.usecases.act import Act
    from app.usecases.care_team import add_care_team_member, remove_care_team_member

    settings = get_settings()
    engine = make_engine(settings.database_url)
    with Session(engine) as db, db.begin():
        people = {}
        for key, email, role in (
            ("admin", args.admin, Role.admin),
            ("patient", args.patient, Role.patient),
            ("therapist", args.therapist, Role.therapist),
        ):
            found = db.exec(select(User).where(User.email == email.strip().lower())).first()
            if found is None or found.role != role or not found.is_active:
                print(f"kap-journal: no active {role.value} {email}", file=sys.stderr)
                return 2
            people[key] = found
        act = Act.offline(
            db,
            AppContext.build(settings, engine),
            actor_id=people["admin"].id,
            role="admin",
            now=utcnow(),
            request_id="cli",
        )
        change = add_care_team_member if args.action == "add" else remove_care_team_member
        done = change(act, patient_id=people["patient"].id, therapist_id=people["therapist"].id)
    print(f"care team {args.action}: {'done' if done else 'nothing to change'}")
    return 0


def cmd_seed_demo(_args: argparse.Namespace) -> int:
    from app.seed import seed_demo

    if get_settings().env == "production":
        # Its accounts share a published password.
        print("kap-journal: seed-demo refuses to run with KAPJ_ENV=production", file=sys.stderr)
        return 2
    seed_demo(get_settings())
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    import threading

    from app.core.db import make_engine
    from app.notifications.sending import build_sender
    from app.worker import run_forever, run_once

    settings = get_settings()
    from prometheus_client import CollectorRegistry, start_http_server

    registry = CollectorRegistry()
    sender = build_sender(settings, registry=registry)  # stops here on a broken push setting
    if args.metrics_port is not None:
        start_http_server(args.metrics_port, addr=args.metrics_host, registry=registry)
    engine = make_engine(settings.database_url, pool_size=2)
    if args.once:
        print(f"sent {run_once(engine, settings, sender)}")
        return 0
    stop = threading.Event()
    try:
        run_forever(engine, settings, stop, sender)
    except KeyboardInterrupt:
        stop.set()
    return 0


def cmd_screen_eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.safety.screening.evaluate import (
        FLOOR_FALSE_ALARMS,
        FLOOR_RECALL,
        evaluate,
        read_corpus,
    )
    from app.safety.screening.model import CORPUS

    paths = [Path(p) for p in args.corpus] if args.corpus else [CORPUS]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"kap-journal: no corpus at {', '.join(missing)}", file=sys.stderr)
        return 2
    report = evaluate(read_corpus(paths))
    print("\n".join(report.lines(show_errors=args.errors)))
    ok = report.recall >= FLOOR_RECALL and report.false_alarms <= FLOOR_FALSE_ALARMS
    floor = f"recall >= {FLOOR_RECALL}, false alarms <= {FLOOR_FALSE_ALARMS}"
    print(f"floor: {floor}: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


def cmd_screen_train(_args: argparse.Namespace) -> int:
    try:
        from app.safety.screening import training
    except ImportError:
        print(
            "kap-journal: screen-train needs the dev extras (pip install -e '.[dev]')",
            file=sys.stderr,
        )
        return 2
    from app.safety.screening.engine import NORMALISER
    from app.safety.screening.model import WEIGHTS

    training.write(NORMALISER.text)
    print(f"wrote {WEIGHTS}")
    return 0


def cmd_screen_report(_args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from app.core.db import make_engine
    from app.safety.report import flag_counts, report_lines

    engine = make_engine(get_settings().database_url, pool_size=1)
    with Session(engine) as db, db.begin():
        print("\n".join(report_lines(flag_counts(db))))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.backup.service import backup
    from app.core.db import make_engine

    engine = make_engine(get_settings().database_url, pool_size=1)
    manifest = backup(engine, Path(args.path))
    print(f"backed up at revision {manifest['revisions']}, needs key ids {manifest['key_ids']}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.backup.service import RestoreError, restore
    from app.core.crypto import KeyRing
    from app.core.db import make_engine

    settings = get_settings()
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        restore(engine, Path(args.path), KeyRing.parse(settings.resolved_encryption_keys()))
    except RestoreError as exc:
        print(f"kap-journal: restore refused: {exc}", file=sys.stderr)
        return 2
    print("restored; run `kap-journal migrate` if this version is newer than the backup")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kap-journal", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="migrate, then serve the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--proxy-headers", action="store_true")
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="upgrade the database to head").set_defaults(func=cmd_migrate)

    create = sub.add_parser("create-user", help="create an account")
    create.add_argument("--email", required=True)
    create.add_argument("--password", required=True)
    create.add_argument("--role", required=True, choices=["admin", "therapist", "patient"])
    create.add_argument("--display-name")
    create.add_argument("--timezone", default="UTC")
    create.set_defaults(func=cmd_create_user)

    team = sub.add_parser("care-team", help="add or remove a therapist on a care team")
    team.add_argument("action", choices=["add", "remove"])
    team.add_argument("--patient", required=True, help="the patient's email")
    team.add_argument("--therapist", required=True, help="the therapist's email")
    team.add_argument("--admin", required=True, help="the admin making the change (audited)")
    team.set_defaults(func=cmd_care_team)

    seed = sub.add_parser("seed-demo", help="load the demo clinic (safe to run again)")
    seed.set_defaults(func=cmd_seed_demo)

    worker = sub.add_parser("worker", help="deliver due notifications")
    worker.add_argument("--once", action="store_true", help="one pass, then exit")
    worker.add_argument(
        "--metrics-port", type=int, help="serve the push counters on /metrics at this port"
    )
    worker.add_argument("--metrics-host", default="127.0.0.1")
    worker.set_defaults(func=cmd_worker)

    screen_eval = sub.add_parser("screen-eval", help="recall and false alarms of the text screen")
    screen_eval.add_argument("--corpus", action="append", help="a .jsonl file or a folder of them")
    screen_eval.add_argument("--errors", action="store_true", help="list missed and false flags")
    screen_eval.set_defaults(func=cmd_screen_eval)

    sub.add_parser(
        "screen-train", help="retrain the screen's model on its corpus (dev extras)"
    ).set_defaults(func=cmd_screen_train)

    for name, func, help_ in (
        ("backup", cmd_backup, "a consistent copy of the database, with its manifest"),
        ("restore", cmd_restore, "replace the database with a backup (stop the server first)"),
    ):
        command = sub.add_parser(name, help=help_)
        command.add_argument("path")
        command.set_defaults(func=func)

    report = sub.add_parser("screen-report", help="safety flags per rule and per status")
    report.set_defaults(func=cmd_screen_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from app.core.config import SettingsError
    from app.core.errors import AppError

    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValidationError as exc:
        print(f"kap-journal: invalid settings: {exc.errors()[0]['msg']}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    try:
        code: int = args.func(args)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        print(f"kap-journal: {field}: {err['msg']}", file=sys.stderr)
        return 2
    except SettingsError as exc:
        print(f"kap-journal: {exc}", file=sys.stderr)
        return 2
    except AppError as exc:
        print(f"kap-journal: {exc.detail}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
