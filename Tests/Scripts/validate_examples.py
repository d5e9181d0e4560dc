"""Checks openapi.yaml's descriptions and examples: validate_examples.py DOCUMENT.

Every operation must have a non-empty `description`. Every `example` of a schema under
`components/schemas` (the schema itself or any schema nested in it: properties, items, ...) must
validate against that schema (Draft 2020-12, with the document's components for $ref, and with
the `date-time` and `uuid` formats checked). Prints one line per problem and exits 1 if there is any.
"""
import sys

import jsonschema
import referencing
import yaml

document = yaml.safe_load(open(sys.argv[1]))
registry = referencing.Registry().with_resource(
    "urn:openapi", referencing.Resource.from_contents(document, referencing.jsonschema.DRAFT202012)
)
formats = jsonschema.Draft202012Validator.FORMAT_CHECKER
problems = []
if not {"date-time", "uuid"} <= set(formats.checkers):
    problems.append("jsonschema cannot check date-time and uuid formats here (is rfc3339-validator installed?)")

operations = 0
for path, methods in document["paths"].items():
    for method, operation in methods.items():
        operations += 1
        description = operation.get("description")
        if not isinstance(description, str) or not description.strip():
            problems.append(f"{method.upper()} {path}: no description")


def escape(token):
    return token.replace("~", "~0").replace("/", "~1")


def schemas(schema, pointer):
    """The schema at `pointer` and every schema nested in it, with their pointers."""
    if not isinstance(schema, dict):
        return
    yield schema, pointer
    for name, child in (schema.get("properties") or {}).items():
        yield from schemas(child, f"{pointer}/properties/{escape(name)}")
    for keyword in ("items", "additionalProperties", "not"):
        yield from schemas(schema.get(keyword), f"{pointer}/{keyword}")
    for keyword in ("oneOf", "anyOf", "allOf", "prefixItems"):
        for index, child in enumerate(schema.get(keyword) or []):
            yield from schemas(child, f"{pointer}/{keyword}/{index}")


examples = 0
for name, component in document["components"]["schemas"].items():
    for schema, pointer in schemas(component, f"#/components/schemas/{escape(name)}"):
        if "example" not in schema:
            continue
        examples += 1
        validator = jsonschema.Draft202012Validator({"$ref": "urn:openapi" + pointer}, registry=registry, format_checker=formats)
        for error in validator.iter_errors(schema["example"]):
            where = "/".join(str(part) for part in error.absolute_path) or "(example)"
            problems.append(f"{pointer[2:]}: {where}: {error.message[:200]}")
for problem in problems:
    print(problem)
print(f"checked {operations} operations and {examples} examples, {len(problems)} problems")
sys.exit(1 if problems else 0)
