"""The sessions domain's problems."""

from app.core.errors import Forbidden


class SelfReportDisabled(
    Forbidden,
    code="self_report_disabled",
    title="This clinic does not allow patients to record their own sessions",
): ...
