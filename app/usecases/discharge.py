"""The care team ends treatment, or takes a patient back (a new episode).

After discharge: the patient's treatment reminders stop (pending ones are cancelled
now, later ones are dropped by the worker, app/care_episodes/jobs.py), new entries
are private (usecases/consent.sharing_refusal), and the care team keeps reading what
was shared during treatment. The patient is told, in their language, and keeps
their journal and their export.
"""

import uuid

from sqlalchemy import update
from sqlmodel import col

from app.accounts.models import User
from app.care_episodes import service as episodes
from app.care_episodes.errors import PatientDischarged, PatientInTreatment
from app.care_episodes.jobs import STOPPED_AT_DISCHARGE
from app.care_episodes.models import CareEpisode
from app.care_episodes.schemas import EpisodePublic
from app.notifications.models import Notification, NotificationStatus
from app.notifications.outbox import Notice
from app.questionnaires.reminders import plan_reminders
from app.usecases.act import Act

DISCHARGED = Notice(
    "care_episode",
    "Your treatment has ended",
    "Your care team closed this episode of treatment. Your journal and your export stay "
    "yours; new entries are private.",
)
READMITTED = Notice(
    "care_episode", "Welcome back", "Your care team opened a new episode of treatment."
)


def _aad(episode_id: uuid.UUID) -> bytes:
    return b"care_episode:" + episode_id.bytes


def view(act: Act, episode: CareEpisode, *, reason: bool) -> EpisodePublic:
    text = None
    if reason and episode.reason_ciphertext is not None:
        text = act.keyring.decrypt(episode.reason_ciphertext, aad=_aad(episode.id))
    return EpisodePublic(
        id=episode.id, started_at=episode.started_at, ended_at=episode.ended_at, reason=text
    )


def _tell(act: Act, patient_id: uuid.UUID, notice: Notice, change: str) -> None:
    key = f"care_episode:{patient_id}:{change}:{act.now.isoformat()}"
    act.notify(patient_id, key, notice, {"change": change})


def discharge_patient(act: Act, *, patient_id: uuid.UUID, reason: str) -> EpisodePublic:
    patient = act.db.get(User, patient_id)
    started = patient.created_at if patient is not None else act.now
    episode = episodes.discharge(
        act.db,
        patient_id=patient_id,
        by=act.actor_id,
        seal=lambda episode_id: act.keyring.encrypt(reason, aad=_aad(episode_id)),
        started_at=started,
        now=act.now,
    )
    if episode is None:
        raise PatientDischarged("Treatment has already ended.")
    act.db.execute(
        update(Notification)
        .where(
            col(Notification.user_id) == patient_id,
            col(Notification.status) == NotificationStatus.pending,
            col(Notification.kind).in_(STOPPED_AT_DISCHARGE),
        )
        .values(status=NotificationStatus.cancelled, updated_at=act.now)
    )
    act.audit.record("care_episode.discharge", patient_id, "care_episode", episode.id)
    _tell(act, patient_id, DISCHARGED, "discharged")
    return view(act, episode, reason=True)


def readmit_patient(act: Act, *, patient_id: uuid.UUID) -> EpisodePublic:
    episode = episodes.readmit(act.db, patient_id=patient_id, now=act.now)
    if episode is None:
        raise PatientInTreatment()
    act.audit.record("care_episode.readmit", patient_id, "care_episode", episode.id)
    # The schedule starts afresh from the new episode (a new baseline first).
    plan_reminders(act.db, patient_id=patient_id, rules=act.measure_rules, now=act.now)
    _tell(act, patient_id, READMITTED, "readmitted")
    return view(act, episode, reason=False)


def list_episodes(act: Act, *, patient_id: uuid.UUID) -> list[EpisodePublic]:
    """The patient's episodes; the reason only for the care team (audited)."""
    by_team = act.actor_id != patient_id
    act.audit.record("care_episode.list", patient_id, "care_episode")
    return [view(act, e, reason=by_team) for e in episodes.episodes(act.db, patient_id)]
