"""Use cases that move several domains at once (see docs/architecture.md).

Routers call a flow; the flow calls each domain's service in order, in the
request's one transaction. Domain packages never call each other for side effects.
"""
