"""An escalation is sent only while its flag is still unacknowledged."""

from app.core.jobs import Condition, Job
from app.safety.flags import ESCALATION_CONDITION, still_open

CONDITIONS: dict[str, Condition] = {ESCALATION_CONDITION: still_open}
JOBS: list[Job] = []
