"""Times one page of an organisation's members: the first page and the last (reached by walking
the list with next_cursor), each fetched `ROUNDS` times on one kept-alive connection; prints
`members first_p50_ms last_p50_ms pages` (for bulk.sh, docs/performance.md)."""
import http.client
import json
import os
import statistics
import sys
import time
import urllib.parse

host, port, org, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rounds = int(os.environ.get("ROUNDS", "200"))
connection = http.client.HTTPConnection(host, port)
headers = {"Authorization": f"Bearer {key}"}


def get(path):
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"{path}: {response.status} {body[:200]!r}")
    return json.loads(body)


base = f"/v1/orgs/{org}/members"
members, pages, cursor, last_cursor = 0, 0, None, None
while True:
    answer = get(f"{base}?limit=500" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else ""))
    members += len(answer["members"])
    pages += 1
    if "next_cursor" not in answer:
        break
    last_cursor, cursor = cursor, answer["next_cursor"]


def p50(path):
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        get(path)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


if rounds == 0:  # ROUNDS=0: count only
    print(f"{members} - - {pages}")
    raise SystemExit(0)
first = p50(f"{base}?limit=100")
last = p50(f"{base}?limit=100" + (f"&cursor={urllib.parse.quote(last_cursor)}" if last_cursor else ""))
print(f"{members} {first:.2f} {last:.2f} {pages}")
