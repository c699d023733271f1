"""The per-patient change counter: one sequence that orders every change a phone syncs
(entries, questionnaire responses, the safety plan), and the lock that serialises them."""
