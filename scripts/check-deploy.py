#!/usr/bin/env python3
"""Checks the deployment files without a Docker engine or a cluster (run by .ci/run).

The linters and schema validators (hadolint, yamllint, kubernetes-validate, the compose-spec
schema through check-jsonschema, kubectl's kustomize) and the facts that matter, read from the
files themselves. Prints one line per failed check and exits 1 if any failed.

    .build/test-python/bin/python scripts/check-deploy.py
"""

import base64
import binascii
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def path(relative):
    return os.path.join(ROOT, relative)


def documents(relative):
    with open(relative if os.path.isabs(relative) else path(relative)) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def tool(name, *arguments):
    executable = os.path.join(BIN, name) if os.path.exists(os.path.join(BIN, name)) else shutil.which(name)
    if executable is None:
        failures.append(f"{name} is not installed (.ci/run installs it into the test venv)")
        return 1, ""
    done = subprocess.run([executable, *arguments], capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


def get(node, *keys):
    for key in keys:
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
        else:
            return None
    return node


def kubernetes_files():
    return sorted(f for f in os.listdir(path("deploy/kubernetes")) if f.endswith(".yaml"))


# Kinds without a schema in kubernetes-validate (CRDs and kustomize's own file). Any other
# "no schema" warning is a failure: a misspelt apiVersion or kind of a built-in.
CUSTOM_KINDS = tuple(
    f"kind {kind} with api version {api}"
    for kind, api in (
        ("Cluster", "postgresql.cnpg.io/v1"),
        ("Kustomization", "kustomize.config.k8s.io/v1beta1"),
        ("ScheduledBackup", "postgresql.cnpg.io/v1"),
        ("ObjectStore", "barmancloud.cnpg.io/v1"),
    )
)
# Variables the deployment files may set that are not the server's own configuration.
RUNTIME_VARIABLES = {"SWIFT_BACKTRACE"}


def linters():
    status, output = tool("hadolint", "--no-color", "--failure-threshold", "info", path("Dockerfile"))
    check(status == 0, f"hadolint:\n{output}")
    status, output = tool("yamllint", "--strict", "--format", "parsable", "-c", path(".yamllint"), path("deploy"), path(".yamllint"))
    check(status == 0, f"yamllint:\n{output}")
    files = [path(f"deploy/kubernetes/{f}") for f in kubernetes_files()]
    check(len(files) >= 8, f"only {len(files)} Kubernetes manifests")
    status, output = tool("kubernetes-validate", "--strict", "-k", "1.31.0", "-k", "1.37.0", *files)
    check(status == 0, f"kubernetes-validate:\n{output}")
    lines = output.splitlines()
    check(not [l for l in lines if l.startswith("ERROR")], f"kubernetes-validate errors:\n{output}")
    for line in (l for l in lines if l.startswith("WARN")):
        check(any(kind in line for kind in CUSTOM_KINDS), f"no schema for a built-in kind (misspelt?): {line}")
    for resource in ("deployment/controlplane", "poddisruptionbudget/controlplane", "networkpolicy/controlplane"):
        check(any(f"passed for resource {resource}" in l for l in lines), f"{resource} was not validated:\n{output}")
    status, output = tool("check-jsonschema", "--builtin-schema", "vendor.compose-spec", path("deploy/compose/compose.yaml"))
    check(status == 0, f"check-jsonschema (compose-spec):\n{output}")


def rendered_kustomization():
    kubectl = shutil.which("kubectl")
    if not check(kubectl is not None, "kubectl (with its built-in kustomize) is needed to render deploy/kubernetes"):
        return
    done = subprocess.run([kubectl, "kustomize", path("deploy/kubernetes")], capture_output=True, text=True)
    if not check(done.returncode == 0, f"kubectl kustomize:\n{done.stderr}"):
        return
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(done.stdout)
        rendered = f.name
    try:
        docs = documents(rendered)
        kinds = {d.get("kind") for d in docs}
        expected = {"ServiceAccount", "Cluster", "Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "Ingress"}
        check(kinds == expected, f"rendered kinds {sorted(kinds)}")
        check(all(get(d, "metadata", "namespace") is None for d in docs), "rendered manifests must be namespace-agnostic")
        deployment = next((d for d in docs if d.get("kind") == "Deployment"), {})
        image = get(deployment, "spec", "template", "spec", "containers", 0, "image")
        check(image == "registry.example.com/agentos-controlplane:0.1.0", f"kustomization's images: rewrites the image (got {image})")
        status, output = tool("kubernetes-validate", "--strict", "-k", "1.31.0", "-k", "1.37.0", rendered)
        check(status == 0, f"kubernetes-validate (rendered):\n{output}")
        warnings = [l for l in output.splitlines() if l.startswith("WARN")]
        check(all(CUSTOM_KINDS[0] in w for w in warnings), f"rendered warnings: {warnings}")
    finally:
        os.unlink(rendered)


def deployment_facts():
    deployment = documents("deploy/kubernetes/deployment.yaml")[0]
    check(deployment.get("kind") == "Deployment", "deployment.yaml is not a Deployment")
    check((get(deployment, "spec", "replicas") or 0) >= 2, "fewer than 2 replicas")
    check(get(deployment, "spec", "strategy", "rollingUpdate", "maxUnavailable") == 0, "rolling update may take a replica down")
    pod = get(deployment, "spec", "template", "spec")
    check(get(pod, "securityContext", "runAsNonRoot") is True, "pod runAsNonRoot")
    check(get(pod, "securityContext", "seccompProfile", "type") == "RuntimeDefault", "pod seccomp RuntimeDefault")
    check(pod.get("automountServiceAccountToken") is False, "pod mounts a service-account token")
    check(pod.get("enableServiceLinks") is False, "service links enabled")
    check(get(pod, "affinity", "podAntiAffinity") is not None, "no pod anti-affinity")
    container = pod["containers"][0]
    security = container.get("securityContext", {})
    check(security.get("readOnlyRootFilesystem") is True, "root filesystem writable")
    check(security.get("runAsNonRoot") is True, "container runAsNonRoot")
    check(security.get("allowPrivilegeEscalation") is False, "privilege escalation allowed")
    check(get(security, "capabilities", "drop") == ["ALL"], "capabilities not all dropped")
    check(get(security, "seccompProfile", "type") == "RuntimeDefault", "container seccomp RuntimeDefault")
    check(get(container, "readinessProbe", "httpGet", "path") == "/ready", "readiness probe is not /ready")
    check(get(container, "livenessProbe", "httpGet", "path") == "/health", "liveness probe is not /health")
    check(get(container, "startupProbe", "httpGet") is not None, "no startup probe")
    requests = get(container, "resources", "requests") or {}
    check("cpu" in requests and "memory" in requests, "no cpu/memory requests")
    check(any(p.get("containerPort") == 8080 for p in container.get("ports", [])), "no container port 8080")
    mounts = container.get("volumeMounts", [])
    check(any(m.get("mountPath") == "/tmp" for m in mounts), "no /tmp volume")
    check(all(m.get("readOnly") is True for m in mounts if m.get("mountPath") != "/tmp"), "a mount other than /tmp is writable")

    # Secrets flow from the CloudNativePG cluster and the KEK Secret.
    cluster = documents("deploy/kubernetes/postgres-cluster.yaml")[0]
    check(cluster.get("apiVersion") == "postgresql.cnpg.io/v1" and cluster.get("kind") == "Cluster", "postgres-cluster.yaml is not a CNPG Cluster")
    check(get(cluster, "spec", "instances") == 3, "the CNPG cluster does not have 3 instances")
    name = get(cluster, "metadata", "name")
    env = container.get("env", [])
    database_url = next((e for e in env if e.get("name") == "DATABASE_URL"), {})
    check(get(database_url, "valueFrom", "secretKeyRef", "name") == f"{name}-app", "DATABASE_URL is not CNPG's generated owner secret")
    check(get(database_url, "valueFrom", "secretKeyRef", "key") == "uri", "DATABASE_URL is not the secret's uri")
    volumes = pod.get("volumes", [])
    ca_volume = next((v for v in volumes if get(v, "secret", "secretName") == f"{name}-ca"), None)
    if check(ca_volume is not None, "the cluster's CA secret is not mounted"):
        check([i.get("path") for i in get(ca_volume, "secret", "items") or []] == ["ca-certificates.crt"], "CA items")
        ca_mount = next((m for m in mounts if m.get("name") == ca_volume.get("name")), {})
        check(ca_mount.get("mountPath") == "/etc/ssl/certs", "the CA is not the trust store")
    kek_file = next((e.get("value") for e in env if e.get("name") == "CONTROL_PLANE_MASTER_KEY_FILE"), None)
    kek_volume = next((v for v in volumes if get(v, "secret", "secretName") == "controlplane-kek"), None)
    if check(kek_file and kek_volume, "CONTROL_PLANE_MASTER_KEY_FILE or the controlplane-kek volume is missing"):
        kek_mount = next((m for m in mounts if m.get("name") == kek_volume.get("name")), {})
        mount_path = kek_mount.get("mountPath", "")
        check(kek_file.startswith(mount_path + "/"), "the KEK file is not in the KEK Secret's volume")
        template = documents("deploy/kubernetes/secret-kek.example.yaml")[0]
        check(get(template, "metadata", "name") == "controlplane-kek", "KEK template name")
        placeholder = get(template, "stringData", kek_file[len(mount_path) + 1 :])
        check(placeholder is not None, "the KEK template has no key for the KEK file")
        for line in (placeholder or "").splitlines():
            try:
                usable = len(base64.b64decode(line, validate=True)) == 32
            except binascii.Error:
                usable = False
            check(not usable, "the KEK template's placeholder is a usable KEK (base64 of 32 bytes)")
    policy = documents("deploy/kubernetes/networkpolicy.yaml")[0]
    egress = get(policy, "spec", "egress") or []
    check(any(get(to, "podSelector", "matchLabels", "cnpg.io/cluster") == name for rule in egress for to in rule.get("to", [])), "egress to the cluster")
    ports = [p.get("port") for rule in get(policy, "spec", "ingress") or [] for p in rule.get("ports", [])]
    check(ports == [8080], f"ingress ports {ports}")

    # The kustomization lists every manifest; the PDB and the Service select the pods.
    kustomization = documents("deploy/kubernetes/kustomization.yaml")[0]
    manifests = {f for f in kubernetes_files() if f != "kustomization.yaml" and ".example." not in f}
    check(set(kustomization.get("resources", [])) == manifests, "kustomization resources differ from the manifests")
    check(kustomization.get("namespace") is None, "kustomization sets a namespace")
    pdb = documents("deploy/kubernetes/pdb.yaml")[0]
    check(pdb.get("kind") == "PodDisruptionBudget" and get(pdb, "spec", "minAvailable") == 1, "PDB minAvailable 1")
    labels = get(deployment, "spec", "template", "metadata", "labels") or {}
    for key, value in (get(pdb, "spec", "selector", "matchLabels") or {}).items():
        check(labels.get(key) == value, "the PDB does not select the Deployment's pods")
    service = documents("deploy/kubernetes/service.yaml")[0]
    for key, value in (get(service, "spec", "selector") or {}).items():
        check(labels.get(key) == value, "the Service does not select the Deployment's pods")


def compose_and_nginx_facts():
    compose = documents("deploy/compose/compose.yaml")[0]
    services = compose["services"]
    check(str(get(services, "postgres", "image")).startswith("postgres:16"), "compose postgres image")
    check(get(services, "postgres", "healthcheck", "test") is not None, "compose postgres healthcheck")
    declared = set(compose.get("secrets", {}))
    for name in ("controlplane-1", "controlplane-2"):
        replica = services[name]
        check(replica.get("read_only") is True, f"{name} is not read-only")
        check(get(replica, "build", "dockerfile") == "Dockerfile", f"{name} dockerfile")
        kek = get(replica, "environment", "CONTROL_PLANE_MASTER_KEY_FILE") or ""
        check(kek.startswith("/run/secrets/") and kek[len("/run/secrets/") :] in declared, f"{name} KEK file")
        check(get(replica, "environment", "POSTGRES_PASSWORD") is None, f"{name}: the password must come from a secret file")
        check(set(replica.get("secrets", [])) == declared, f"{name} secrets")
        check(get(replica, "depends_on", "postgres", "condition") == "service_healthy", f"{name} depends_on")
    check(get(services, "proxy", "read_only") is True and get(services, "postgres", "read_only") is True, "proxy/postgres read-only")
    for secret in declared:
        check(str(get(compose, "secrets", secret, "file")).startswith("./secrets/"), f"secret {secret} file")
    with open(path("deploy/compose/secrets/.gitignore")) as f:
        check("*" in f.read().split("\n"), "deploy/compose/secrets/ must never be committed")

    with open(path("deploy/compose/nginx.conf")) as f:
        lines = [l.strip() for l in f.read().split("\n") if not l.strip().startswith("#")]
    for replica in ("controlplane-1", "controlplane-2"):
        check(f"server {replica}:8080 max_fails=1 fail_timeout=5s;" in lines, f"{replica} is not an upstream server")
    server_wide = [l for l in lines if l.startswith("proxy_next_upstream ") and "timeout" in l]
    check(server_wide == ["proxy_next_upstream error timeout;"], "nginx: server-wide retries are for connection errors and timeouts only")
    location, retried = "", []
    for line in lines:
        if line.startswith("location "):
            location = line
        if "non_idempotent" in line:
            retried.append(location)
    check(retried == ["location = /oauth/token {", "location ~ ^/v1/orgs/[^/]+/os/[^/]+/tokens$ {"], f"non_idempotent retries in {retried}")
    on_status = [l for l in lines if l.startswith("proxy_next_upstream ") and "http_" in l]
    check(not on_status, f"a 5xx from one replica must not be retried on the other: {on_status}")


def docker_instructions(text):
    logical, current = [], ""
    for raw in text.split("\n"):
        line = raw.strip()
        if line.startswith("#") or (not line and not current):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
        else:
            current += line
            if current:
                logical.append(current)
            current = ""
    return [(l.split(" ", 1)[0].upper(), l.split(" ", 1)[1].strip() if " " in l else "") for l in logical]


def dockerfile_facts():
    with open(path("Dockerfile")) as f:
        instructions = docker_instructions(f.read())
    froms = [i for i, (k, _) in enumerate(instructions) if k == "FROM"]
    check(len(froms) >= 2, "the Dockerfile is not multi-stage")
    check(any(k == "FROM" and "AS build" in a for k, a in instructions), "no build stage")
    build = "\n".join(a for k, a in instructions if k == "RUN")
    check("swift build -c release --product controlplane --static-swift-stdlib" in build, "release build command")
    final = instructions[froms[-1] :]
    users = [a for k, a in final if k == "USER"]
    name = users[-1].split(":")[0] if users else ""
    check(name.isdigit() and int(name) >= 1000, f"the final USER must be a fixed numeric UID >= 1000 (runAsNonRoot needs one): {users}")
    healthcheck = [a for k, a in final if k == "HEALTHCHECK"]
    check(healthcheck and "/ready" in healthcheck[0], "no HEALTHCHECK on /ready in the final stage")
    check(("EXPOSE", "8080") in final, "EXPOSE 8080")
    environment = " ".join(a for k, a in final if k == "ENV")
    check("CONTROL_PLANE_HOST=0.0.0.0" in environment, "CONTROL_PLANE_HOST=0.0.0.0")
    check("CONTROL_PLANE_MIGRATIONS_DIR=/usr/share/controlplane/migrations" in environment, "CONTROL_PLANE_MIGRATIONS_DIR")
    copies = any(k == "COPY" and "--from=build /staging/ /" in a for k, a in final)
    check("/staging/usr/share/controlplane/migrations" in build and copies, "Migrations/ must reach /usr/share/controlplane/migrations")
    check(any(k == "ENTRYPOINT" and "/usr/local/bin/controlplane" in a for k, a in final), "ENTRYPOINT")

    with open(path(".dockerignore")) as f:
        entries = {l.strip() for l in f.read().split("\n") if not l.strip().startswith("#")}
    for required in (".build", ".build*", ".git", ".venv*", ".controlplane", "Package.resolved"):
        check(required in entries, f".dockerignore lacks {required}")
    for needed in ("Sources", "Tests", "Migrations", "Package.swift"):
        check(needed not in entries, f".dockerignore must not exclude {needed}")

    # Every variable the deployment files set is one the README documents and a source reads.
    with open(path("README.md")) as f:
        section = f.read().split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    documented = {name for row in section.split("\n") if row.startswith("| `") for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}
    check({"DATABASE_URL", "CONTROL_PLANE_MASTER_KEY_FILE", "CONTROL_PLANE_MIGRATIONS_DIR"} <= documented, "README's configuration table")
    sources = ""
    for directory, _, files in os.walk(path("Sources")):
        for file in files:
            if file.endswith(".swift"):
                with open(os.path.join(directory, file)) as f:
                    sources += f.read()
    set_by = {"deployment.yaml": {e["name"] for e in documents("deploy/kubernetes/deployment.yaml")[0]["spec"]["template"]["spec"]["containers"][0].get("env", [])}}
    compose = documents("deploy/compose/compose.yaml")[0]
    for service in ("controlplane-1", "controlplane-2"):
        set_by[f"compose.yaml {service}"] = set(get(compose, "services", service, "environment") or {})
    set_by["Dockerfile"] = {m for k, a in final if k == "ENV" for m in re.findall(r"(?:^|\s)([A-Z][A-Z0-9_]*)=", a)}
    check("DATABASE_URL" in set_by["deployment.yaml"], "deployment.yaml does not set DATABASE_URL")
    for file, names in sorted(set_by.items()):
        check(names, f"{file} sets no variable")
        for name in sorted(names - RUNTIME_VARIABLES):
            check(name in documented, f"{file} sets {name}, which README.md's configuration table does not name")
            check(f'"{name}"' in sources, f"{file} sets {name}, which no source file reads")


def no_secrets():
    kek_like = re.compile(r"[A-Za-z0-9+/]{43}=")
    for directory, _, files in os.walk(path("deploy")):
        for file in files:
            relative = os.path.relpath(os.path.join(directory, file), path("deploy"))
            # secrets/ holds an operator's real secrets on a deploying machine; git never sees them.
            if relative.startswith("compose/secrets/") and relative != "compose/secrets/.gitignore":
                continue
            with open(os.path.join(directory, file), errors="replace") as f:
                text = f.read()
            check(not kek_like.search(text), f"deploy/{relative} holds a base64 32-byte value")
            check("PRIVATE KEY-----" not in text, f"deploy/{relative} holds a private key")


for step in (linters, rendered_kustomization, deployment_facts, compose_and_nginx_facts, dockerfile_facts, no_secrets):
    try:
        step()
    except Exception as error:  # a missing file or key is a failure of that step, not a crash
        failures.append(f"{step.__name__}: {type(error).__name__}: {error}")
for failure in failures:
    print(f"check-deploy: {failure}")
print(f"check-deploy: {'FAILED, ' + str(len(failures)) + ' problem(s)' if failures else 'deployment files OK'}")
sys.exit(1 if failures else 0)
