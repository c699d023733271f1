"""What can go wrong with a consent document or decision, each with its stable code."""

from app.core.errors import Conflict, NotFound


class ConsentDocumentNotFound(
    NotFound, code="consent_document_not_found", title="No such consent document"
): ...


class ConsentRequired(
    Conflict, code="consent_required", title="The patient has not accepted sharing"
):
    """`document_id` and `kind` in the problem name the document to accept."""


class DocumentSuperseded(
    Conflict, code="consent_document_superseded", title="A newer version exists"
):
    """Only the current version of a document can be accepted."""
