"""The OpenAPI document is complete enough for client generators; each check walks
every route and schema there is, so routes added later are held to the same rules."""

import re
from typing import Any

import pytest

from app.core.errors import AppError, all_problem_codes
from tests.contract.spec import (
    COMMITTED,
    ROOT,
    SNAPSHOT,
    operation_id_lines,
    operations,
    render,
    spec,
)

REGENERATE = "run `make openapi` and commit docs/openapi.json and tests/contract/operation_ids.txt"


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = document["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _untyped(
    document: dict[str, Any], node: dict[str, Any], where: str, seen: set[str]
) -> list[str]:
    """Places in a response schema a generator can only turn into an untyped map."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        seen.add(name)
        return _untyped(document, _resolve(document, node), f"{where}>{name}", seen)
    found = []
    if not node:
        found.append(f"{where}: {{}}")
    for key in ("anyOf", "oneOf"):
        branches = [b for b in node.get(key, []) if b.get("type") != "null"]
        if len(branches) > 1 and "discriminator" not in node:
            found.append(f"{where}: {key} without a discriminator")
        for i, branch in enumerate(node.get(key, [])):
            found += _untyped(document, branch, f"{where}.{key}[{i}]", seen)
    if node.get("type") == "object" and not node.get("properties"):
        extra = node.get("additionalProperties")
        if not extra:
            found.append(f"{where}: object without properties")
    for name, prop in node.get("properties", {}).items():
        found += _untyped(document, prop, f"{where}.{name}", seen)
    if isinstance(node.get("items"), dict):
        found += _untyped(document, node["items"], f"{where}[]", seen)
    return found


def test_the_committed_document_is_the_apps() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render(spec()), REGENERATE


def test_operation_ids_change_only_as_planned() -> None:
    assert SNAPSHOT.read_text(encoding="utf-8") == operation_id_lines(spec()), REGENERATE


def test_operation_ids_are_unique_short_camel_case() -> None:
    ids = [op["operationId"] for _, _, op in operations(spec())]
    assert len(ids) == len(set(ids))
    for op_id in ids:
        assert re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)*", op_id), op_id
        assert len(op_id) <= 40, op_id


def test_no_success_response_is_untyped() -> None:
    document = spec()
    problems = []
    for method, path, op in operations(document):
        for status, response in op["responses"].items():
            if not status.startswith("2"):
                continue
            for media, content in response.get("content", {}).items():
                where = f"{method} {path} {status} {media}"
                problems += _untyped(document, content.get("schema", {}), where, set())
    assert problems == []


def test_every_success_response_has_a_body_schema_or_none() -> None:
    for method, path, op in operations(spec()):
        for status, response in op["responses"].items():
            if status.startswith("2") and status != "204":
                assert response.get("content"), f"{method} {path} {status}"


def test_every_model_has_examples() -> None:
    for name, schema in spec()["components"]["schemas"].items():
        if schema.get("type") == "object" or "properties" in schema:
            assert schema.get("examples"), name


def test_every_response_declares_x_request_id() -> None:
    for method, path, op in operations(spec()):
        for status, response in op["responses"].items():
            assert "X-Request-ID" in response.get("headers", {}), f"{method} {path} {status}"


@pytest.mark.parametrize(
    ("status", "header"),
    [("401", "WWW-Authenticate"), ("429", "Retry-After"), ("503", "Retry-After")],
)
def test_problem_statuses_declare_their_headers(status: str, header: str) -> None:
    for method, path, op in operations(spec()):
        if status in op["responses"]:
            assert header in op["responses"][status]["headers"], f"{method} {path}"


def test_every_operation_documents_503_and_a_default_problem() -> None:
    for method, path, op in operations(spec()):
        for status in ("503", "default"):
            content = op["responses"][status]["content"]
            assert list(content) == ["application/problem+json"], f"{method} {path}"


def test_every_error_status_has_a_real_description() -> None:
    for method, path, op in operations(spec()):
        for status, response in op["responses"].items():
            if status.isdigit() and int(status) >= 400:
                assert response["description"] not in ("Error", ""), f"{method} {path} {status}"
                assert list(response["content"]) == ["application/problem+json"]


def test_entry_routes_declare_etag_location_and_replay() -> None:
    paths = spec()["paths"]
    created = paths["/v1/entries"]["post"]["responses"]["201"]["headers"]
    assert {"ETag", "Location", "Idempotent-Replayed"} <= set(created)
    assert "ETag" in paths["/v1/entries/{entry_id}"]["get"]["responses"]["200"]["headers"]
    assert "ETag" in paths["/v1/entries/{entry_id}"]["patch"]["responses"]["200"]["headers"]


def test_if_match_is_required_wherever_it_is_taken() -> None:
    found = 0
    for method, path, op in operations(spec()):
        for param in op.get("parameters", []):
            if param["name"].lower() == "if-match":
                found += 1
                # The safety plan's first write creates it without one; 428 after that.
                first_write = "omitted for the first write" in param.get("description", "")
                assert param["required"] is not first_write, f"{method} {path}"
                assert "428" in op["responses"], f"{method} {path}"
    assert found >= 2


def test_no_query_or_header_parameter_is_nullable() -> None:
    for method, path, op in operations(spec()):
        for param in op.get("parameters", []):
            schema = param["schema"]
            branches = schema.get("anyOf", []) + schema.get("oneOf", [])
            assert schema.get("type") != "null", f"{method} {path} {param['name']}"
            assert all(b.get("type") != "null" for b in branches), (
                f"{method} {path} {param['name']}"
            )


def test_problem_code_lists_every_error_class() -> None:
    enum = spec()["components"]["schemas"]["Problem"]["properties"]["code"]["x-extensible-enum"]
    todo, codes = [AppError], set()
    while todo:
        cls = todo.pop()
        codes.add(cls.code)
        todo += cls.__subclasses__()
    assert codes <= set(enum)
    assert {"validation_failed", "malformed_json", "invalid_cursor"} <= set(enum)


def test_a_new_error_class_is_listed_without_further_work() -> None:
    class LateError(AppError):
        code = "late_error_for_this_test"

    assert "late_error_for_this_test" in all_problem_codes()


def test_field_error_loc_is_a_list_of_strings() -> None:
    loc = spec()["components"]["schemas"]["FieldError"]["properties"]["loc"]
    assert loc["type"] == "array"
    assert loc["items"] == {"type": "string"}


def test_no_fastapi_validation_schemas_remain() -> None:
    schemas = spec()["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert "ValidationError" not in schemas


def test_sync_changes_are_a_discriminated_one_of() -> None:
    schemas = spec()["components"]["schemas"]
    items = schemas["SyncPage"]["properties"]["changes"]["items"]
    assert items["discriminator"]["propertyName"] == "kind"
    assert set(items["discriminator"]["mapping"]) == {"entry", "tombstone"}
    assert len(items["oneOf"]) == 2
    for name in ("EntryPublic", "Tombstone"):
        assert "kind" in schemas[name]["required"]


def test_no_boolean_is_a_constant() -> None:
    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            assert not (node.get("type") == "boolean" and ("const" in node or "enum" in node)), (
                where
            )
            for key, value in node.items():
                if key != "examples":
                    walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}[{i}]")

    walk(spec(), "")


def test_numbers_have_formats() -> None:
    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("number", "integer"):
                assert "format" in node, where
            for key, value in node.items():
                if key != "examples":
                    walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for value in node:
                walk(value, where)

    walk(spec(), "")
    dose = spec()["components"]["schemas"]["SessionCreate"]["properties"]["dose_mg"]
    assert {"type": "number", "format": "double"} in [
        {k: b.get(k) for k in ("type", "format")} for b in dose["anyOf"]
    ]


def test_info_servers_tags_and_the_password_flow_are_declared() -> None:
    document = spec()
    assert document["info"]["description"]
    assert document["servers"]
    used = {tag for _, _, op in operations(document) for tag in op.get("tags", [])}
    described = {t["name"]: t["description"] for t in document["tags"]}
    assert used <= set(described)
    assert all(described.values())
    (scheme,) = document["components"]["securitySchemes"].values()
    assert scheme["type"] == "oauth2"
    assert scheme["flows"]["password"]["tokenUrl"] == "/v1/auth/token"


def test_cursors_and_sync_tokens_state_their_pattern() -> None:
    for method, path, op in operations(spec()):
        for param in op.get("parameters", []):
            if param["name"] in ("cursor", "since"):
                assert param["schema"]["pattern"] == "^[A-Za-z0-9_-]+={0,2}$", f"{method} {path}"
                # A well-formed token that names no page is gone (410), not a bad request.
                assert "410" in op["responses"], f"{method} {path}"
                if "requestBody" not in op:
                    assert "400" not in op["responses"], f"{method} {path}"


def test_sign_in_form_fields_are_required_and_non_empty() -> None:
    body = spec()["paths"]["/v1/auth/token"]["post"]["requestBody"]
    schema = _resolve(spec(), body["content"]["application/x-www-form-urlencoded"]["schema"])
    assert body["required"] is True
    assert {"username", "password"} <= set(schema["required"])
    for name in ("username", "password"):
        assert schema["properties"][name]["minLength"] == 1


def test_every_example_matches_its_schema() -> None:
    import jsonschema_rs

    document = spec()
    bad = []
    for name, schema in document["components"]["schemas"].items():
        root = {"components": document["components"], "$ref": f"#/components/schemas/{name}"}
        validator = jsonschema_rs.Draft202012Validator(root, validate_formats=True)
        for example in schema.get("examples", []):
            bad += [f"{name}: {e.message}" for e in validator.iter_errors(example)]
    assert bad == []


def test_info_version_is_the_newest_version_in_the_changelog() -> None:
    changelog = (ROOT / "docs" / "CHANGELOG.md").read_text(encoding="utf-8")
    newest = re.search(r"^## v(\d+\.\d+)", changelog, re.MULTILINE)
    assert newest is not None
    assert spec()["info"]["version"] == newest.group(1)


def test_deleted_is_deprecated_in_the_schema() -> None:
    schemas = spec()["components"]["schemas"]
    for name in ("EntryPublic", "Tombstone"):
        assert schemas[name]["properties"]["deleted"].get("deprecated") is True, name
