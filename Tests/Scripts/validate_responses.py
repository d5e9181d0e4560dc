"""Checks recorded answers against openapi.yaml: validate_responses.py DOCUMENT SAMPLES.

SAMPLES is a JSON list of {method, path (the document's template), status, body}. Each answer
must have a documented status for its operation, and a JSON body must match the schema declared
for that status (Draft 2020-12, with the document's components for $ref). Prints one line per
problem and exits 1 if there is any.
"""
import json
import sys

import jsonschema
import referencing
import yaml

document = yaml.safe_load(open(sys.argv[1]))
samples = json.load(open(sys.argv[2]))
registry = referencing.Registry().with_resource("urn:openapi", referencing.Resource.from_contents(document, referencing.jsonschema.DRAFT202012))
problems = []
for sample in samples:
    where = f"{sample['method']} {sample['path']} -> {sample['status']}"
    operation = document["paths"].get(sample["path"], {}).get(sample["method"].lower())
    if operation is None:
        problems.append(f"{where}: no such operation in the document")
        continue
    status = str(sample["status"]) if str(sample["status"]) in operation["responses"] else "default"
    response = operation["responses"].get(status)
    if response is None:
        problems.append(f"{where}: status not documented (documented: {sorted(operation['responses'])})")
        continue
    def escape(token):
        return token.replace("~", "~0").replace("/", "~1")
    pointer = "#/paths/" + escape(sample["path"]) + "/" + sample["method"].lower() + "/responses/" + escape(status)
    if "$ref" in response:
        pointer = response["$ref"]
        response = document["components"]["responses"][response["$ref"].split("/")[-1]]
    schema = (response.get("content") or {}).get("application/json", {}).get("schema")
    if schema is None:
        continue
    try:
        body = json.loads(sample["body"])
    except ValueError:
        problems.append(f"{where}: the body is not JSON")
        continue
    # A pointer into the whole document, so the schema's own "#/components/..." references resolve.
    validator = jsonschema.Draft202012Validator({"$ref": "urn:openapi" + pointer + "/content/application~1json/schema"}, registry=registry)
    for error in validator.iter_errors(body):
        path = "/".join(str(p) for p in error.absolute_path) or "(body)"
        problems.append(f"{where}: {path}: {error.message[:200]}")
for problem in problems:
    print(problem)
print(f"checked {len(samples)} answers, {len(problems)} problems")
sys.exit(1 if problems else 0)
