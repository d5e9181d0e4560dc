#!/usr/bin/env python3
"""Mutation check: applies deliberate bugs one at a time, runs the tests that guard that code,
and reports which mutants survived (the tests stayed green). None should.

Not part of CI (about a minute per mutant on a 2-core machine). Run from the repository root:

    python3 scripts/mutation-check.py            # every mutant
    python3 scripts/mutation-check.py M3 M9      # some of them

Builds take /tmp/swift-build.lock so they never overlap another build on the machine. Every
source file is restored after its mutant, also on Ctrl-C. See docs/testing.md for the last run.
"""
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCOPES = "ScopeTests|ScopeCompilerTests|EscalationPropertyTests|TokenIssuanceTests|BuiltinRoleScopeTests|AgnoConformanceTests"
ROUTES = "RouteTableTests|BuiltinRoleScopeTests|AgnoConformanceTests"
ISSUANCE = "TokenIssuanceTests|EscalationPropertyTests|AuthorizationMatrixTests|OAuthTests"


@dataclass
class Mutant:
    id: str
    what: str
    file: str
    find: str
    replace: str
    tests: str


MUTANTS = [
    Mutant("M1", "matcher: a per-id scope satisfies a collection requirement",
           "Sources/AgentOSAuth/Scopes/ScopeSet.swift",
           'case .resource(resource, "*", action): true', "case .resource(resource, _, action): true", SCOPES),
    Mutant("M2", "matcher: a per-id scope satisfies every id",
           "Sources/AgentOSAuth/Scopes/ScopeSet.swift",
           'heldID == "*" || heldID == id', "true", SCOPES),
    Mutant("M3", "grammar: the legacy system: alias is gone",
           "Sources/AgentOSAuth/Scopes/Scope.swift",
           "self.kind = .global(resource: Self.alias(parts[0])", "self.kind = .global(resource: String(parts[0])", SCOPES),
    Mutant("M4", "compiler: per-id scopes kept under the global one",
           "Sources/AgentOSAuth/Scopes/ScopeCompiler.swift",
           'for scope in perID where !globals.contains("\\(scope.resource):\\(scope.action)")', "for scope in perID", SCOPES),
    Mutant("M5", "compiler: the admin scope is dropped",
           "Sources/AgentOSAuth/Scopes/ScopeCompiler.swift",
           "            case .admin:\n                return [adminScope]", "            case .admin:\n                continue", SCOPES),
    Mutant("M6", "coverage: an unknown requested scope counts as held",
           "Sources/AgentOSAuth/Scopes/ScopeCompiler.swift",
           "case .unknown: return true", "case .unknown: return false", SCOPES),
    Mutant("M7", "coverage: anyone may ask for the admin scope",
           "Sources/AgentOSAuth/Scopes/ScopeCompiler.swift",
           "case .admin: return !held.isAdmin", "case .admin: return false", SCOPES),
    Mutant("M8", "route table: GET /sessions/* needs sessions:write",
           "Sources/AgentOSAuth/Routes/AgnoRoutes.swift",
           'RouteRule("GET", "/sessions/*", ["sessions:read"]),', 'RouteRule("GET", "/sessions/*", ["sessions:write"]),', ROUTES),
    Mutant("M9", "route table: DELETE /memories/* unmapped",
           "Sources/AgentOSAuth/Routes/AgnoRoutes.swift",
           'RouteRule("DELETE", "/memories/*", ["memories:delete"]),', "", ROUTES),
    Mutant("M10", "route table: a scope renamed (approvals:read → approval:read)",
           "Sources/AgentOSAuth/Routes/AgnoRoutes.swift",
           '"approvals:read"', '"approval:read"', ROUTES),
    Mutant("M11", "issuance: over-asking is not refused",
           "Sources/ControlPlane/Tokens/TokenIssuer.swift",
           "guard uncovered.isEmpty else {", "guard uncovered.isEmpty || requested.count > 0 else {", ISSUANCE),
    Mutant("M12", "issuance: a narrowed request gets every held scope",
           "Sources/ControlPlane/Tokens/TokenIssuer.swift",
           "scopes = ScopeCompiler.compile(requested)", "scopes = effective", ISSUANCE),
    Mutant("M13", "issuance: members may issue tokens for others",
           "Sources/ControlPlane/Tokens/TokenIssuer.swift",
           "if forOthers && !role.allows(.issueTokenForOthers) {", "if forOthers && role == .owner {", ISSUANCE),
    Mutant("M14", "issuance: a subject with no scopes still gets a token",
           "Sources/ControlPlane/Tokens/TokenIssuer.swift",
           "guard !effective.isEmpty else {", "guard effective.isEmpty || !effective.isEmpty else {", ISSUANCE),
]


def run(command: list[str]) -> tuple[int, str]:
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    return result.returncode, result.stdout + result.stderr


def build() -> tuple[int, str]:
    return run(["flock", "/tmp/swift-build.lock", "swift", "build", "--build-tests"])


def check(mutant: Mutant) -> str:
    path = ROOT / mutant.file
    original = path.read_text()
    if original.count(mutant.find) == 0:
        return "NOT APPLIED (pattern not found: update the script)"
    try:
        path.write_text(original.replace(mutant.find, mutant.replace))
        status, output = build()
        if status != 0:
            return "killed (does not compile)"
        status, output = run(["swift", "test", "--skip-build", "--filter", mutant.tests])
        if status == 0:
            return "SURVIVED"
        failed = sorted({match.group(1) for line in output.splitlines()
                         if (match := re.match(r"✘ Test (\w+)", line)) and "recorded an issue" in line})
        return "killed by " + ", ".join(failed[:4]) + (" …" if len(failed) > 4 else "")
    finally:
        path.write_text(original)


def main() -> int:
    wanted = set(sys.argv[1:])
    status, output = build()
    if status != 0:
        print("the unmutated tree does not build:\n" + output[-3000:])
        return 2
    survivors = 0
    for mutant in MUTANTS:
        if wanted and mutant.id not in wanted:
            continue
        started = time.time()
        verdict = check(mutant)
        survivors += verdict.startswith("SURVIVED") or verdict.startswith("NOT APPLIED")
        print(f"{mutant.id:4} {mutant.what:62} {verdict} ({time.time() - started:.0f} s)", flush=True)
    build()
    print(f"{survivors} survivor(s)")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
