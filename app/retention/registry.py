"""Every table's retention rule and the job that enforces it, in one place.

A privacy officer reads the same table in docs/retention.md; tests/retention checks
that every table of the models' metadata has a rule here. "The record" is what the
clinic must keep as its clinical record: `KAPJ_RETENTION_YEARS` after the patient's
last clinical contact, then `closure.purge_closed_accounts` removes it (never under legal hold).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    kept: str  # how long, in plain words
    why: str
    job: str  # the worker job (app/*/jobs.py) or event that removes it
    record: bool = False  # part of the clinic's retained clinical record


RECORD = "KAPJ_RETENTION_YEARS after the last clinical contact"
PURGE = "closure.purge_closed_accounts"
CLOSURE = "closure.erase_closed_accounts (within 24 h of a closure request)"

RULES: dict[str, Rule] = {
    # The clinical record
    "journal_entry": Rule(
        f"private or never reviewed: until closure; reviewed and shared: {RECORD}",
        "the shared, reviewed entries are part of the treatment record",
        f"{CLOSURE}; {PURGE}",
        record=True,
    ),
    "entry_review": Rule(RECORD, "the therapist's part of the record", PURGE, record=True),
    "ketamine_session": Rule(RECORD, "dosing is clinical record", PURGE, record=True),
    "integration_session": Rule(RECORD, "treatment record", PURGE, record=True),
    "safety_flag": Rule(RECORD, "risk and its outcome are clinical record", PURGE, record=True),
    "questionnaire_response": Rule(RECORD, "measurement-based care", PURGE, record=True),
    "questionnaire_miss": Rule(RECORD, "what was asked and not answered", PURGE, record=True),
    "safety_plan": Rule(
        f"the current version: {RECORD}", "the plan in force is record", PURGE, record=True
    ),
    "safety_plan_version": Rule(
        "until closure", "the plan's history is the patient's", f"{CLOSURE}; {PURGE}"
    ),
    "care_episode": Rule(RECORD, "when treatment began and ended", PURGE, record=True),
    "consent_decision": Rule(
        RECORD, "proof of what the patient agreed to, and when", PURGE, record=True
    ),
    "account_closure": Rule(
        "while the clinic uses the service (no personal data)",
        "proof that erasure was asked for and done",
        "none",
    ),
    # Accounts and sign-in
    "user_account": Rule(
        f"profile erased at closure; a nameless row {RECORD}",
        "the record's rows point at it",
        f"{CLOSURE}; {PURGE}",
    ),
    "care_team_member": Rule("while on the care team", "access control", PURGE),
    "sign_in": Rule(
        "90 days after it ended (revoked or past its lifetime); ended at once on closure",
        "the patient's list of signed-in devices, and abuse investigation",
        "retention.prune_sign_ins",
    ),
    "refresh_token": Rule("with its sign-in", "rotation", "retention.prune_sign_ins"),
    "invitation": Rule(
        "30 days after it was used, voided or expired", "support", "retention.prune_invitations"
    ),
    "spent_mfa_token": Rule(
        "until the token would have expired (minutes)",
        "an MFA token buys one sign-in",
        "retention.prune_account_leftovers",
    ),
    "display_name_reservation": Rule(
        "90 days after the name was given up",
        "nobody takes a staff member's name while patients still know it",
        "retention.prune_account_leftovers",
    ),
    "recovery_code": Rule("until used or MFA is turned off; closure", "MFA", CLOSURE),
    "throttle_counter": Rule(
        "until its window ends", "rate limits", "prune_counters (every worker pass)"
    ),
    # Delivery
    "notification": Rule(
        "90 days after it was sent, cancelled or given up; a closed account's at once",
        "the feed and delivery investigation",
        f"retention.prune_outbox; {CLOSURE}",
    ),
    "notification_attempt": Rule("with its notification", "delivery", "retention.prune_outbox"),
    "notification_delivery": Rule("with its notification", "delivery", "retention.prune_outbox"),
    "device": Rule("until unregistered or closure", "push delivery", CLOSURE),
    "idempotency_key": Rule("48 hours", "safe retries", "prune_idempotency_keys"),
    # Derived or reference data
    "patient_counts": Rule("with the account", "derived (the queue)", PURGE),
    "patient_sync_state": Rule("with the account", "derived (sync)", PURGE),
    "questionnaire_status": Rule("with the account", "derived (the queue)", PURGE),
    "prompt": Rule("library: while shipped; a custom prompt: with its patient", "content", PURGE),
    "prompt_assignment": Rule("with the account", "care plan", PURGE),
    "prompt_serving": Rule("with the account", "prompt rotation", PURGE),
    "questionnaire_assignment": Rule("with the account", "care plan", PURGE),
    "questionnaire_schedule": Rule("with the account", "care plan", PURGE),
    # Governance
    "audit_event": Rule(
        "KAPJ_AUDIT_RETENTION_YEARS (default 7); nobody can erase it earlier",
        "HIPAA: six years for access records",
        "retention.purge_audit",
    ),
    "consent_document": Rule(
        "while the clinic uses the service", "the text each decision refers to", "none"
    ),
    "legal_hold": Rule("while the clinic uses the service", "proof of holds", "none"),
}
