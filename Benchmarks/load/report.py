"""Prints run.sh's results as the tables of docs/performance.md, with the issue's goals."""
import os
import sys

rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
raw = {"RS256": float(os.environ["RAW_RS256"]), "ES256": float(os.environ["RAW_ES256"]), "EdDSA": float(os.environ["RAW_EDDSA"])}
own = {"RS256": float(os.environ["OWN_RS256"]), "ES256": float(os.environ["OWN_ES256"]), "EdDSA": float(os.environ["OWN_EDDSA"])}


def rate(value):
    return f"{float(value):,.0f}"


print("\n## Token issuance (control plane, release, embedded PostgreSQL, status lists on)\n")
print("| Route | Alg | tokens/s | p50 | p99 | errors | raw sign/s: openssl / own signer | tokens / raw: openssl / own | goal |")
print("|---|---|---:|---:|---:|---:|---:|---:|---|")
for label, rps, p50, p99, errors in (r for r in rows if r[0].startswith("issue:")):
    _, route, alg = label.split(":")
    name = "POST /v1/orgs/{org}/os/{os}/tokens (superuser key, subject a member)" if route == "delegated" else "POST /oauth/token (client credentials)"
    ratio = float(rps) / raw[alg]
    if alg == "RS256":
        goal = f"≥ 0.7 × raw: {'met' if ratio >= 0.7 else 'not met'}"
    elif alg == "ES256":
        goal = f"≥ 5,000/s: {'met' if float(rps) >= 5000 else 'not met'}"
    else:
        goal = "—"
    print(
        f"| {name} | {alg} | {rate(rps)} | {p50} | {p99} | {errors} | {rate(raw[alg])} / {rate(own[alg])} "
        f"| {ratio:.2f} / {float(rps) / own[alg]:.2f} | {goal} |"
    )
rss = [(r[0][4:], int(r[1])) for r in rows if r[0].startswith("rss:")]
peak = max(value for _, value in rss)
print(f"\nControl-plane RSS after each run (MB): {', '.join(f'{name} {value}' for name, value in rss)}; "
      f"peak {peak} MB (goal < 150 MB: {'met' if peak < 150 else 'not met'}).")

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
