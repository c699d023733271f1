"""What can go wrong with a questionnaire, each with its stable code."""

from app.core.errors import NotFound


class PatientGone(NotFound, code="patient_not_found", title="No such patient"): ...
