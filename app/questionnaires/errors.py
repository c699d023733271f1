"""What can go wrong with a questionnaire, each with its stable code."""

from app.core.errors import AppError, NotFound


class PatientGone(NotFound, code="patient_not_found", title="No such patient"): ...


class QuestionnaireNotFound(
    NotFound, code="questionnaire_not_found", title="No such questionnaire"
): ...


class UnknownQuestionnaire(
    AppError, status=422, code="unknown_questionnaire", title="No questionnaire has this code"
): ...


class AnswersInvalid(
    AppError,
    status=422,
    code="answers_invalid",
    title="Some answers are missing, unknown or out of range",
): ...
