"""The JSON API under /v1: one router module per area; parse, call one use case, present."""
