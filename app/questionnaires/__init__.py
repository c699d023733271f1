"""Measurement-based care: standard questionnaires, scheduled, scored and charted."""
