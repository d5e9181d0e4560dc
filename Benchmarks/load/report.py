"""Prints run.sh's results as the tables of docs/performance.md, with the issue's goals."""
import os
import sys

rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
raw = {"RS256": float(os.environ["RAW_RS256"]), "ES256": float(os.environ["RAW_ES256"]), "EdDSA": float(os.environ["RAW_EDDSA"])}
own = {"RS256": float(os.environ["OWN_RS256"]), "ES256": float(os.environ["OWN_ES256"]), "EdDSA": float(os.environ["OWN_EDDSA"])}
boring_rs256 = float(os.environ.get("BORING_RS256") or own["RS256"])


def rate(value):
    return f"{float(value):,.0f}"


print("\n## Token issuance (control plane, release, embedded PostgreSQL, status lists on)\n")
print("| Route | Alg | tokens/s | p50 | p99 | errors | raw sign/s: openssl / own signer | tokens / raw: openssl / own | goal |")
print("|---|---|---:|---:|---:|---:|---:|---:|---|")
issued = {tuple(r[0].split(":")[1:]): float(r[1]) for r in rows if r[0].startswith("issue:")}


def milliseconds(text):
    """wrk's latency (`950.00us`, `9.60ms`, `1.20s`) in milliseconds."""
    for unit, scale in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * scale
    raise ValueError(f"unknown latency {text}")


def goal(route, alg, rps, p99):
    """Issue #30's goals: RS256 against OpenSSL's rate, ES256 against the raw P-256 rate and p99,
    delegated ES256 against client-credentials ES256."""
    ratio = rps / raw[alg]
    if alg == "RS256":
        target = 0.7 if route == "oauth" else 0.6
        return f"≥ {target} × raw: {'met' if ratio >= target else 'not met'}"
    if alg == "ES256" and route == "oauth":
        met = ratio >= 0.2 and milliseconds(p99) <= 20
        return f"≥ 0.2 × raw, p99 ≤ 20 ms: {'met' if met else 'not met'}"
    if alg == "ES256":
        share = rps / issued.get(("oauth", "ES256"), float("inf"))
        return f"≥ 0.7 × client credentials ({share:.2f}): {'met' if share >= 0.7 else 'not met'}"
    return "—"


for label, rps, p50, p99, errors in (r for r in rows if r[0].startswith("issue:")):
    _, route, alg = label.split(":")
    name = "POST /v1/orgs/{org}/os/{os}/tokens (superuser key, subject a member)" if route == "delegated" else "POST /oauth/token (client credentials)"
    ratio = float(rps) / raw[alg]
    print(
        f"| {name} | {alg} | {rate(rps)} | {p50} | {p99} | {errors} | {rate(raw[alg])} / {rate(own[alg])} "
        f"| {ratio:.2f} / {float(rps) / own[alg]:.2f} | {goal(route, alg, float(rps), p99)} |"
    )
print(f"\nRS256 raw signatures on both cores: OpenSSL 3 `openssl speed` {rate(raw['RS256'])}/s, the issuance signer on "
      f"OpenSSL {rate(own['RS256'])}/s, on swift-crypto's BoringSSL {rate(boring_rs256)}/s ({own['RS256'] / boring_rs256:.2f}×).")
rss = [(r[0][4:], int(r[1])) for r in rows if r[0].startswith("rss:")]
peak = max(value for _, value in rss)
print(f"\nControl-plane RSS after each run (MB): {', '.join(f'{name} {value}' for name, value in rss)}; "
      f"peak {peak} MB (goal ≤ 150 MB: {'met' if peak <= 150 else 'not met'}).")

control = [float(r[1]) for r in rows if r[0] == "cp:/health"]
demo = [float(r[1]) for r in rows if r[0] == "os:demo:/health"]
if control and demo:
    pairs = ", ".join(f"{rate(c)} / {rate(d)}" for c, d in zip(control, demo))
    share = (sum(control) / len(control)) / (sum(demo) / len(demo))
    print(f"\nControl plane `GET /health` / demo-os `GET /health`, each pair in turn: {pairs} req/s: "
          f"{share:.2f} (goal ≥ 0.8: {'met' if share >= 0.8 else 'not met'}).")

print("\n## Verification (demo-os, release; Agno AgentOS 3.1.10 on uvicorn)\n")
print("| OS | Route | req/s | p50 | p99 | errors | vs `/health` before it |")
print("|---|---|---:|---:|---:|---:|---|")
health = None
demo_warm, agno_warm = [], []
for label, rps, p50, p99, errors in (r for r in rows if r[0].startswith("os:")):
    _, server, path = label.split(":", 2)
    share = ""
    if path == "/health":
        health = float(rps)
    elif health:
        share = f"{float(rps) / health:.0%}"
        if path == "/agents:warm" and server == "demo":
            share += f" (goal ≥ 80 %: {'met' if float(rps) / health >= 0.8 else 'not met'})"
    (demo_warm if server == "demo" else agno_warm).append(float(rps)) if path == "/agents:warm" else None
    route = path.replace(":warm", ", one reused token").replace(":cold", ", a new token each request (cache misses)")
    print(f"| {'demo-os' if server == 'demo' else 'Agno'} | `GET {route}` | {rate(rps)} | {p50} | {p99} | {errors} | {share} |")
if demo_warm and agno_warm:
    ratio = (sum(demo_warm) / len(demo_warm)) / (sum(agno_warm) / len(agno_warm))
    print(f"\ndemo-os / Agno on `GET /agents` with the same token: {ratio:.1f}× (goal ≥ 50×: {'met' if ratio >= 50 else 'not met'}).")
