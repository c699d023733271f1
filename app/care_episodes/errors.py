"""What can go wrong with a care episode (admission, discharge), each with its stable code."""

from app.core.errors import Conflict


class PatientDischarged(
    Conflict, code="patient_discharged", title="Treatment has ended; nothing new is shared"
): ...


class PatientInTreatment(
    Conflict, code="patient_in_treatment", title="The patient is already in treatment"
): ...
