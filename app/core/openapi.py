"""The OpenAPI document: what FastAPI generates, made complete for client generators.

Everything here walks whatever routes exist, so a new route gets its problem
responses, headers, operationId and tag description without touching this file.
"""

import copy
import sys
from typing import Any

from fastapi import FastAPI, routing
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel

from app.core.errors import STATUS_DESCRIPTIONS, all_problem_codes, status_code_and_title
from app.core.patch import MERGE_PATCH

# info.version: the newest version in docs/CHANGELOG.md (a test holds them together).
API_VERSION = "1.2"

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
FASTAPI_422_REF = {"$ref": "#/components/schemas/HTTPValidationError"}
SECURITY_SCHEME = "OAuth2PasswordBearer"

# Only where verb_noun -> verbNoun does not give a good name.
OPERATION_ID_OVERRIDES: dict[str, str] = {
    "export_me": "exportMyData",
    "export_me_fhir": "exportMyDataFhir",
    "next_prompt": "readNextPrompt",
    "drop_device": "deleteDevice",
    "healthz": "readHealth",
    "readyz": "readReadiness",
    "metrics": "readMetrics",
}

DESCRIPTION = """\
The backend of a patient journaling app for ketamine-assisted psychotherapy.

Sign in with the OAuth2 password grant (`POST /v1/auth/token`), then send the
access token as `Authorization: Bearer <token>`. Times are RFC 3339 and answered in
UTC; ids are UUIDs. Lists answer `{items, next_cursor}`: pass `next_cursor` back as
`cursor` until it is null. Every error is `application/problem+json` with a stable
`code`. Every response carries `X-Request-ID`. Any route may answer 503 with
`Retry-After` while the database is briefly unavailable.

The journaling window (48 h after a ketamine session by default) is a working
hypothesis from animal studies that clinics use to plan journaling and the
integration session, not an established human finding. Its `phase` is `acute` for
the first hours after the dose, then `early`, then `integration`.

Enums may gain values within v1: decode a value you do not know without failing
the response. How to generate a client: docs/api.md in the repository.
"""

SERVERS: list[dict[str, Any]] = [
    {
        "url": "https://{host}",
        "description": "A clinic's deployment",
        "variables": {"host": {"default": "api.clinic.example.org"}},
    },
    {"url": "http://127.0.0.1:8000", "description": "Local development (make run)"},
]

HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-ID": {
        "description": "The request's id, as in the server's logs; echoed when the client sent one",
        "required": True,
        "schema": {"type": "string", "examples": ["1f6c4e0e0b8a4d5f9a3c2b1d0e9f8a7b"]},
    },
    "Retry-After": {
        "description": "Seconds to wait before retrying",
        "schema": {"type": "integer", "minimum": 1, "examples": [2]},
    },
    "WWW-Authenticate": {
        "description": "The authentication scheme to use: `Bearer`",
        "schema": {"type": "string", "examples": ["Bearer"]},
    },
    "ETag": {
        "description": "The version of the entry or safety plan; send it as `If-Match` to "
        "change or delete it, or as `If-None-Match` to read it only if it changed",
        "schema": {
            "type": "string",
            "pattern": '^"(v[0-9]+|h[0-9a-f]{32})"$',
            "examples": ['"v3"'],
        },
    },
    "Location": {
        "description": "The path of the created resource",
        "schema": {
            "type": "string",
            "examples": ["/v1/entries/0b9e6a43-5a44-4a8e-9b4e-2f1d2a7c9d10"],
        },
    },
    "Idempotent-Replayed": {
        "description": "`true` when this answers a retry of an earlier request "
        "(same entry id or Idempotency-Key); absent otherwise",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "RateLimit": {
        "description": "draft-ietf-httpapi-ratelimit-headers: what is left of the "
        'caller\'s quota, `"api";r=<requests left>;t=<seconds until it resets>`; '
        "sent on every response to a signed-in caller",
        "schema": {
            "type": "string",
            "pattern": '^"[a-z_]+";r=[0-9]+;t=[0-9]+$',
            "examples": ['"api";r=598;t=41'],
        },
    },
    "RateLimit-Policy": {
        "description": "draft-ietf-httpapi-ratelimit-headers: the caller's quota, "
        '`"api";q=<requests>;w=<window in seconds>`; sent with `RateLimit`',
        "schema": {
            "type": "string",
            "pattern": '^"[a-z_]+";q=[0-9]+;w=[0-9]+$',
            "examples": ['"api";q=600;w=60'],
        },
    },
    "Deprecation": {
        "description": "RFC 9745: this route is deprecated, since the date given "
        "(`@` and Unix seconds); its replacement is named in the operation's description",
        "schema": {"type": "string", "pattern": "^@[0-9]+$", "examples": ["@1796601600"]},
    },
    "Sunset": {
        "description": "RFC 8594: the route may stop working after this HTTP date",
        "schema": {"type": "string", "examples": ["Fri, 31 Dec 2027 00:00:00 GMT"]},
    },
}


def header_refs(*names: str) -> dict[str, Any]:
    """`headers` of a documented response, e.g. responses={201: {"headers": header_refs(...)}}."""
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def response_headers(status: int, *names: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` entry declaring the headers of a success response."""
    return {status: {"headers": header_refs(*names)}}


def operation_id(route: APIRoute) -> str:
    """camelCase of the handler's name: create_entry -> createEntry."""
    name = OPERATION_ID_OVERRIDES.get(route.name, route.name)
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _tag_descriptions(app: FastAPI) -> list[dict[str, str]]:
    """Each tag, described by the first line of its router module's docstring."""
    tags: dict[str, str] = {}
    for route in routing.iter_route_contexts(app.routes):
        route_tags = getattr(route, "tags", None)
        if route.endpoint is None or not route_tags:
            continue
        module = sys.modules.get(route.endpoint.__module__)
        doc = (module.__doc__ if module else None) or str(route_tags[0])
        tags.setdefault(str(route_tags[0]), doc.strip().splitlines()[0])
    return [{"name": name, "description": text} for name, text in sorted(tags.items())]


def build_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=DESCRIPTION,
        routes=app.routes,
        tags=_tag_descriptions(app),
        servers=SERVERS,
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas["Problem"]["properties"]["code"]["enum"] = all_problem_codes()
    components["headers"] = HEADERS
    components["securitySchemes"] = {
        SECURITY_SCHEME: {
            "type": "oauth2",
            "description": "Access token from the OAuth2 password grant at POST /v1/auth/token",
            "flows": {"password": {"tokenUrl": "/v1/auth/token", "scopes": {}}},
        }
    }
    for path in schema.get("paths", {}).values():
        for method, op in path.items():
            content = op.get("requestBody", {}).get("content", {})
            if method == "patch" and "application/json" in content:
                # Partial updates are JSON Merge Patch (RFC 7396), under either name.
                content[MERGE_PATCH] = copy.deepcopy(content["application/json"])
            _complete_operation(op)
            _hoist_defs(op, schemas)
    _for_generators(schema)
    _restore_examples(schemas)
    _open_response_enums(schema)
    app.openapi_schema = schema
    return schema


def _complete_operation(op: dict[str, Any]) -> None:
    if "security" in op:
        op["security"] = [{SECURITY_SCHEME: []}]
    for param in op.get("parameters", []):
        _not_nullable(param)
        conditional = param.get("schema", {}).pop("x-required-once-it-exists", False)
        if param["in"] == "header" and param["name"].lower() == "if-match" and not conditional:
            # The server answers 428 to a request without it; clients must send it.
            param["required"] = True
    responses = op.setdefault("responses", {})
    if any(p["name"] in ("cursor", "since") for p in op.get("parameters", [])):
        responses.setdefault("410", {})  # invalid_cursor
    if "requestBody" in op:
        # Any body may be unparsable or too large; the handlers answer for all routes.
        for added in ("400", "413"):
            responses.setdefault(added, {})
    responses.setdefault("503", {})
    responses["default"] = {"description": "Any other problem"}
    for code, resp in responses.items():
        headers = resp.setdefault("headers", {})
        headers.update(header_refs("X-Request-ID"))
        if "security" in op and code != "401":
            # Every answer to a signed-in caller (a 401 means there is none).
            headers.update(header_refs("RateLimit", "RateLimit-Policy"))
        if code.isdigit() and int(code) < 400:
            continue
        status: int = int(code) if code.isdigit() else 500
        if code.isdigit():
            resp["description"] = STATUS_DESCRIPTIONS.get(status, status_code_and_title(status)[1])
        # A Problem with more members (problem_responses(models=...)) keeps its schema.
        declared = [
            media.get("schema")
            for media in resp.get("content", {}).values()
            if media.get("schema", PROBLEM_REF) not in (PROBLEM_REF, FASTAPI_422_REF)
        ]
        resp["content"] = {
            "application/problem+json": {"schema": declared[0] if declared else PROBLEM_REF}
        }
        if status == 401:
            headers.update(header_refs("WWW-Authenticate"))
        if status in (429, 503):
            headers.update(header_refs("Retry-After"))


def _restore_examples(schemas: dict[str, Any]) -> None:
    """FastAPI drops nulls everywhere in the document, examples included; put the
    models' own examples back (found by the schema's title, the model's name)."""
    models: dict[str, type[BaseModel]] = {}
    todo: list[type[BaseModel]] = [BaseModel]
    while todo:
        cls = todo.pop()
        if cls.__name__ not in models or cls.__module__.startswith("app."):
            models[cls.__name__] = cls  # the app's own model wins a clash of names
        todo.extend(cls.__subclasses__())
    for schema in schemas.values():
        model = models.get(str(schema.get("title")))
        extra = model.model_config.get("json_schema_extra") if model else None
        if callable(extra):  # a generic's examples, made from its parameter's
            made: dict[str, Any] = {}
            extra(made, model)  # type: ignore[call-arg,arg-type]
            extra = made
        if isinstance(extra, dict) and extra.get("examples"):
            schema["examples"] = extra["examples"]


def _hoist_defs(node: Any, schemas: dict[str, Any]) -> None:
    """Models nested in a schema given by hand (a second media type) become components."""
    if isinstance(node, dict):
        schemas.update(node.pop("$defs", {}))
        for value in node.values():
            _hoist_defs(value, schemas)
    elif isinstance(node, list):
        for value in node:
            _hoist_defs(value, schemas)


def _not_nullable(param: dict[str, Any]) -> None:
    """`str | None = None` in Python means "optional", not "may be null", for a parameter."""
    schema = param.get("schema", {})
    branches = schema.get("anyOf")
    if not branches:
        return
    rest = [b for b in branches if b.get("type") != "null"]
    if len(rest) == 1 and len(rest) < len(branches):
        del schema["anyOf"]
        schema.update(rest[0])


def _for_generators(node: Any) -> None:
    """`const` (from Literal) as a one-value enum, which every generator understands;
    numbers as doubles (JSON Schema has no float type, and Swift/Kotlin need to know)."""
    if isinstance(node, dict):
        if "$ref" in node:
            # A sibling title makes openapi-generator's Python type the field as Any.
            node.pop("title", None)
        if "oneOf" in node:
            # swift5 makes a model with an `id` Identifiable; its union enum has no `id`
            # property and would not compile (the generator honours a preset false).
            node["x-swift-identifiable"] = False
        if "const" in node and "enum" not in node:
            node["enum"] = [node.pop("const")]
        if node.get("type") == "number" and "format" not in node:
            node["format"] = "double"
        if node.get("type") == "integer" and "format" not in node:
            node["format"] = "int64"
        for key, value in node.items():
            if key not in ("examples", "example", "default"):
                _for_generators(value)
    elif isinstance(node, list):
        for value in node:
            _for_generators(value)


# Enums the server answers and may grow (docs/api.md, "Enums grow"): declared as open
# strings so that a client built today decodes a value added tomorrow. Request-side
# uses keep a closed copy (`<Name>Input`), so the document still says what is taken.
OPEN_ENUMS = ("Phase", "WindowPhase", "Technique", "PromptPhase", "NotificationStatus")
_EXTENSIBLE = "x-extensible-enum"


def _open(node: dict[str, Any]) -> None:
    known = node.pop("enum")
    node[_EXTENSIBLE] = known
    listed = ", ".join(f"`{v}`" for v in known)
    text = node.get("description", "").rstrip()
    node["description"] = (
        f"{text}\n\nKnown values: {listed}. More may be added: keep a value you do not know."
    ).lstrip()
    node.setdefault("examples", known[:1])


def _refs(node: Any, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)
    return found


def _closure(names: set[str], schemas: dict[str, Any]) -> set[str]:
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_refs(schemas.get(name, {}), set()))
    return seen


def _retarget(node: Any, old: str, new: str) -> None:
    if isinstance(node, dict):
        if node.get("$ref") == f"#/components/schemas/{old}":
            node["$ref"] = f"#/components/schemas/{new}"
        for value in node.values():
            _retarget(value, old, new)
    elif isinstance(node, list):
        for value in node:
            _retarget(value, old, new)


def _open_response_enums(schema: dict[str, Any]) -> None:
    schemas: dict[str, Any] = schema["components"]["schemas"]
    ops = [op for item in schema.get("paths", {}).values() for op in item.values()]
    request_side = [p for op in ops for p in (op.get("parameters"), op.get("requestBody")) if p]
    asked = _closure(_refs(request_side, set()), schemas)
    answered = _closure(_refs([op.get("responses") for op in ops], set()), schemas)
    for name in OPEN_ENUMS:
        if name not in schemas or "enum" not in schemas[name]:
            continue
        if name in asked:
            closed = copy.deepcopy(schemas[name])
            closed["title"] = f"{name}Input"
            schemas[f"{name}Input"] = closed
            _retarget(request_side, name, f"{name}Input")
            for other in asked - answered:
                _retarget(schemas[other], name, f"{name}Input")
        _open(schemas[name])
    # Problem codes, and the enums written inline in answer-only models.
    for name in answered - asked:
        for prop in schemas[name].get("properties", {}).values():
            for branch in [prop, *prop.get("anyOf", [])]:
                if len(branch.get("enum", ())) > 1:
                    _open(branch)
