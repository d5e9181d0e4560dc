#!/usr/bin/env python3
"""Mutation check: applies deliberate bugs one at a time, runs the tests that guard that code,
and reports which mutants the tests did not notice (survivors). None should survive.

Not part of CI (one build and one filtered test run per mutant: about 1-5 minutes each on a 2-core
machine). Run from anywhere; it works on the repository it lives in:

    python3 scripts/mutation-check.py                  # every mutant
    python3 scripts/mutation-check.py --only M12,M30   # some of them
    python3 scripts/mutation-check.py --list           # what there is, and which no longer apply

How a run goes (docs/testing.md, "Mutation check"):

1. Refuses to start while a mutant of an interrupted run may still be applied: the journal it
   keeps under .build/ names the file and its original bytes (restored when the file still holds
   the mutant), and every file it mutates must equal the committed one (`git diff --quiet`;
   `--allow-dirty` skips that check for a tree others are editing).
2. Builds the unmutated tree and runs the selected mutants' tests on it; if they do not pass,
   it stops and says so (a failing test would "kill" every mutant).
3. Per mutant: each edit is an exact string that must occur exactly once in its file, else the
   mutant is STALE (the code moved on; update the mutant); `swift build --build-tests` (a build
   error is "did not compile": neither killed nor survived); `swift test --skip-build --filter`
   with only the tests that guard that code, under a time limit; then the file is restored byte
   for byte, also on Ctrl-C or SIGTERM.
4. Builds the unmutated tree again and prints a table. Verdicts: KILLED (a test failed; the
   failing tests are named), SURVIVED (the tests passed), DID NOT COMPILE, STALE, CRASHED (the
   test process died, timed out or ran no test). Logs: .build/mutation-check/<id>.log.

Exit status: 0 when every mutant run was killed; 1 when any survived; 2 when the run could not
start (dirty tree, unmutated tests failing, the build broken without a mutant); 3 when none
survived but some were stale, crashed or did not compile (the run proves less than it should).
"""
import argparse
import base64
import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".build" / "mutation-check"
JOURNAL = STATE / "journal.json"


@dataclass
class Edit:
    file: str
    find: str
    replace: str


@dataclass
class Mutant:
    id: str
    area: str
    what: str
    tests: str
    edits: list[Edit]
    finding: str | None = None


@dataclass
class Result:
    verdict: str
    detail: str = ""
    seconds: float = 0.0


class Interrupted(Exception):
    pass


def suites(*names: str) -> str:
    """A --filter regex for whole suites (`Suite`) or single tests (`Suite/test`). Test ids read
    `Module.Suite/test()` (nested: `Module.Outer/Suite/test()`), so each name is anchored at a
    `.` or `/` before it and a `/` or `(` after it: `SignInTests` is not `MFASignInTests`."""
    parts = []
    for name in names:
        suite, _, test = name.partition("/")
        parts.append(rf"[./]{suite}/{test}\(" if test else rf"[./]{suite}/")
    return "|".join(parts)


# Files the mutants edit.
SCOPE_SET = "Sources/AgentOSAuth/Scopes/ScopeSet.swift"
SCOPE = "Sources/AgentOSAuth/Scopes/Scope.swift"
COMPILER = "Sources/AgentOSAuth/Scopes/ScopeCompiler.swift"
AGNO_ROUTES = "Sources/AgentOSAuth/Routes/AgnoRoutes.swift"
MINT = "Sources/ControlPlane/Tokens/TokenIssuer+Mint.swift"
ISSUER = "Sources/ControlPlane/Tokens/TokenIssuer.swift"
VERIFIER = "Sources/AgentOSAuth/Tokens/TokenVerifier.swift"
CLAIMS = "Sources/AgentOSAuth/Tokens/TokenVerifier+Claims.swift"
JWS = "Sources/AgentOSAuth/Tokens/JWSParts.swift"
TOKEN_CACHE = "Sources/AgentOSAuth/Tokens/VerifiedTokenCache.swift"
AUTHORIZER = "Sources/AgentOSAuth/Gate/RouteAuthorizer.swift"
CHECKER = "Sources/AgentOSAuth/StatusList/StatusListChecker.swift"
CACHED_DOCUMENT = "Sources/AgentOSAuth/RemoteDocuments/CachedRemoteDocument.swift"
STATUS = "Sources/AgentOSAuth/StatusList/TokenVerifier+Status.swift"
ENVIRONMENT = "Sources/AgentOSAuth/Configuration/AgentOSAuthConfiguration+Environment.swift"
LIST_WRITER = "Sources/ControlPlane/StatusLists/StatusLists.swift"
REVOCATION = "Sources/ControlPlane/StatusLists/StatusLists+Revocation.swift"
THROTTLE = "Sources/ControlPlane/Auth/LoginThrottle.swift"
AUTHENTICATION = "Sources/ControlPlane/Auth/Authentication.swift"
COOKIES = "Sources/ControlPlaneHTTP/Support/CookieSessions.swift"
TOTP = "Sources/ControlPlane/MFA/TOTP.swift"
MFA_SIGN_IN = "Sources/ControlPlane/MFA/SecondFactor+SignIn.swift"
MFA_CODE = "Sources/ControlPlane/MFA/SecondFactorCode.swift"
MFA_STORE = "Sources/ControlPlane/Stores/MFAStore.swift"
INVITATIONS = "Sources/ControlPlane/Identity/Invitations.swift"
INVITATION_STORE = "Sources/ControlPlane/Stores/InvitationStore.swift"
MASTER_KEYS = "Sources/ControlPlane/Keys/MasterKeys.swift"
KEY_MATERIAL = "Sources/ControlPlane/Keys/KeyMaterial.swift"
LIST_KEYS = "Sources/ControlPlane/StatusLists/StatusListKeys.swift"
AUDIT = "Sources/ControlPlane/Audit/AuditTrail.swift"
AUDIT_KEYS = "Sources/ControlPlane/Audit/AuditKeys.swift"
ACCOUNTS = "Sources/ControlPlane/Identity/Accounts.swift"
ACCOUNT_STORE = "Sources/ControlPlane/Stores/AccountStore.swift"
SECRETS = "Sources/ControlPlane/Support/Secrets.swift"
EXPLAIN = "Sources/ControlPlane/Access/AccessControl+Explain.swift"
DEADLINE = "Sources/ControlPlaneHTTP/Support/DeadlineResponder.swift"
READINESS = "Sources/ControlPlane/Storage/ReadinessCheck.swift"
CHANGE_FEED = "Sources/ControlPlaneHTTP/Background/ChangeFeed.swift"
ERRORS = "Sources/ControlPlaneHTTP/Middleware/APIErrorMiddleware.swift"
SERVICE_ACCOUNTS = "Sources/ControlPlane/Identity/ServiceAccounts.swift"

# Which tests guard which code.
SCOPES = suites("ScopeTests", "ScopeCompilerTests", "EscalationPropertyTests", "TokenIssuanceTests", "BuiltinRoleScopeTests",
                "AgnoConformanceTests")
ROUTES = suites("RouteTableTests", "BuiltinRoleScopeTests", "AgnoConformanceTests")
ISSUANCE = suites("TokenIssuanceTests", "EscalationPropertyTests", "AuthorizationMatrixTests", "OAuthTests")
VERIFY = suites("VerifierTests", "TokenKindTests", "CanonicalTokenTests", "FailClosedTests", "AgnoConformanceTests")
GATE = suites("AgnoConformanceTests", "FailClosedTests", "PathTricksTests", "RouteTableTests", "CompanyRoutesTests", "ScopeTests")
STATUS_LISTS = suites("StatusListTests", "TokenRevocationTests", "StatusListSchemeTests")
THROTTLING = suites("SignInTests", "SignInBurstTests", "MFAGuardTests")
CSRF = suites("ConsoleSessionTests")
MFA = suites("TOTPTests", "MFASignInTests", "MFAGuardTests", "MFARequirementTests")
INVITES = suites("InvitationTests", "ConsoleSessionTests/invitationAcceptDeliversTheNewSessionAsCookies")
CUSTODY = suites("KeyCustodyTests", "StatusListKeyCustodyTests", "KeyCustodyProcessTests")
AUDIT_CHAIN = suites("AuditChainTests", "AuditSealingTests", "KeyCustodyTests/auditChainDetectsAnEditedRow")
RESETS = suites("ResetAuthorityTests", "AccountTests/resetCodesAreSingleUseAndEndEveryCredential")


def mutant(id: str, area: str, what: str, tests: str, *edits: tuple[str, str, str], finding: str | None = None) -> Mutant:
    return Mutant(id, area, what, tests, [Edit(*edit) for edit in edits], finding)


MUTANTS = [
    # --- scopes: grammar, matching, compilation (the first round's mutants, kept)
    mutant("M1", "scopes", "matcher: a per-id scope satisfies a collection requirement", SCOPES,
           (SCOPE_SET, 'case .resource(resource, "*", action): true', "case .resource(resource, _, action): true")),
    mutant("M2", "scopes", "matcher: a per-id scope satisfies every id", SCOPES,
           (SCOPE_SET, 'heldID == "*" || heldID == id', "true")),
    mutant("M3", "scopes", "grammar: the legacy system: alias is gone", SCOPES,
           (SCOPE, "self.kind = .global(resource: Self.alias(parts[0])", "self.kind = .global(resource: String(parts[0])")),
    mutant("M4", "scopes", "compiler: per-id scopes kept under the global one", SCOPES,
           (COMPILER, 'for scope in perID where !globals.contains("\\(scope.resource):\\(scope.action)")', "for scope in perID")),
    mutant("M5", "scopes", "compiler: the admin scope is dropped", SCOPES,
           (COMPILER, "            case .admin:\n                return [adminScope]", "            case .admin:\n                continue")),
    mutant("M6", "scopes", "coverage: an unknown requested scope counts as held", SCOPES,
           (COMPILER, "case .unknown: return true", "case .unknown: return false")),
    mutant("M7", "scopes", "coverage: anyone may ask for the admin scope", SCOPES,
           (COMPILER, "case .admin: return !held.isAdmin", "case .admin: return false")),
    # --- the route table
    mutant("M8", "routes", "route table: GET /sessions/* needs sessions:write", ROUTES,
           (AGNO_ROUTES, 'RouteRule("GET", "/sessions/*", ["sessions:read"]),', 'RouteRule("GET", "/sessions/*", ["sessions:write"]),')),
    mutant("M9", "routes", "route table: DELETE /memories/* unmapped", ROUTES,
           (AGNO_ROUTES, 'RouteRule("DELETE", "/memories/*", ["memories:delete"]),', "")),
    mutant("M10", "routes", "route table: a scope renamed (approvals:read → approval:read on /approvals/count)", ROUTES,
           (AGNO_ROUTES, 'RouteRule("GET", "/approvals/count", ["approvals:read"]),',
            'RouteRule("GET", "/approvals/count", ["approval:read"]),')),
    # --- issuance
    mutant("M11", "issuance", "issuance: over-asking is not refused", ISSUANCE,
           (MINT, "guard uncovered.isEmpty else {", "guard uncovered.isEmpty || requested.count > 0 else {")),
    mutant("M12", "issuance", "issuance: a narrowed request gets every held scope", ISSUANCE,
           (MINT, "return ScopeCompiler.compile(requested)", "return effective")),
    mutant("M13", "issuance", "issuance: members may issue tokens for others", ISSUANCE,
           (ISSUER, "guard role?.allows(.issueTokenForOthers) == true else {", "guard role != nil else {")),
    mutant("M14", "issuance", "issuance: a subject with no scopes still gets a token", ISSUANCE,
           (MINT, "guard !effective.isEmpty else {", "guard effective.isEmpty || !effective.isEmpty else {")),
    # --- the verifier (AgentOSAuth)
    mutant("M15", "verifier", "signature: a static key's failed check passes", VERIFY,
           (VERIFIER, "if parts.withSigningInput({ key.isValidSignature(signature, for: $0) }) { return }",
            "if parts.withSigningInput({ key.isValidSignature(signature, for: $0) }) || true { return }")),
    mutant("M16", "verifier", "alg: static keys are tried whatever their algorithm (alg confusion)", VERIFY,
           (VERIFIER, "for key in keys.staticKeys where key.algorithm == algorithm {", "for key in keys.staticKeys {")),
    mutant("M17", "verifier", "exp: ten times the leeway for expired tokens", VERIFY,
           (CLAIMS, "if exp <= now - options.leeway {", "if exp <= now - options.leeway * 10 {")),
    mutant("M18", "verifier", "nbf: a not-yet-valid token passes", VERIFY,
           (CLAIMS, "if nbf > now + options.leeway {", "if nbf > now + options.leeway * 100 {")),
    mutant("M19", "verifier", "aud: any audience passes (a missing one is still refused)", VERIFY,
           (CLAIMS, "guard audiences.contains(expected) else {", "guard audiences.contains(expected) || !audiences.isEmpty else {")),
    mutant("M20", "verifier", "iss: a present issuer is never compared", VERIFY,
           (CLAIMS, "if let expected = options.issuer {", 'if let expected = options.issuer, payload["iss"] == nil {')),
    mutant("M21", "verifier", "exp: a token without exp passes by default", VERIFY,
           (CLAIMS, "} else if options.requireExpiration {", "} else if options.requireExpiration && false {")),
    mutant("M22", "verifier", "crit: an unknown critical extension is accepted", VERIFY,
           (JWS, 'throw AgentOSAuthError(.invalidToken, "Invalid token: Unsupported critical extension: \\(first.prefix(64))")',
            "_ = first")),
    mutant("M23", "verifier", "typ: any *jwt type passes (statuslist+jwt as an access token)", VERIFY,
           (VERIFIER, 'if media == "at+jwt" || (media == "jwt" && !options.requireAccessTokenType) { return }',
            'if media.hasSuffix("jwt") && (media != "jwt" || !options.requireAccessTokenType) { return }')),
    mutant("M24", "verifier", "typ: strict mode (AGENTOS_AUTH_REQUIRE_AT_JWT) still takes typ JWT", VERIFY,
           (VERIFIER, '(media == "jwt" && !options.requireAccessTokenType)', '(media == "jwt")')),
    mutant("M25", "verifier", "cache: a cached verification outlives the token's exp", VERIFY,
           (TOKEN_CACHE, "if let exp = verified.expiresAt { validUntil = min(validUntil, exp.addingTimeInterval(leeway)) }",
            "_ = leeway")),
    mutant("M26", "verifier", "cache: entries survive a change of the key set", VERIFY + "|" + suites("JWKSRevocationTests"),
           (TOKEN_CACHE, "guard entry.validUntil > now, entry.generation == generation else {", "guard entry.validUntil > now else {")),
    mutant("M27", "verifier", "cache: nothing is ever served from the cache", VERIFY,
           (TOKEN_CACHE, "guard capacity > 0 else { return nil }", "guard capacity < 0 else { return nil }")),
    # --- the gate (route authorisation)
    mutant("M28", "gate", "unmapped routes: non-admins pass, admins are refused", GATE,
           (AUTHORIZER, "if !denyUnmappedRoutes || scopes.isAdmin { return .unmapped }",
            "if !denyUnmappedRoutes || !scopes.isAdmin { return .unmapped }")),
    mutant("M29", "gate", "family/id rewrite dropped: agents:run on /agents/x/runs stays global", GATE,
           (AUTHORIZER, 'return Scope("\\(resource):\\(id):\\(action)", adminScope: adminScope)', "return scope")),
    mutant("M30", "gate", "listing rule inverted: only callers with no per-id grant may list", GATE,
           (AUTHORIZER, "!scopes.accessibleIDs(resource, action: action).isEmpty", "scopes.accessibleIDs(resource, action: action).isEmpty")),
    mutant("M31", "gate", "admin scope: any scope starting with it is admin (agent_os:admin:extra)", GATE,
           (SCOPE, "if raw == adminScope {", "if raw.hasPrefix(adminScope) {")),
    mutant("M32", "gate", "a route's scopes are OR-ed instead of AND-ed", GATE,
           (AUTHORIZER, "if required.allSatisfy(scopes.satisfies) { return .allowed }",
            "if required.contains(where: scopes.satisfies) { return .allowed }")),
    mutant("M33", "gate", "AGENTOS_AUTHORIZATION=false still enforces scopes", GATE,
           (AUTHORIZER, "guard authorization else { return nil }", "guard authorization || true else { return nil }")),
    # --- status lists
    mutant("M34", "status lists", "verifier reads a list's bits most significant first", STATUS_LISTS,
           (CHECKER, "return (bytes[bit / 8] >> UInt8(bit % 8)) & mask", "return (bytes[bit / 8] >> UInt8(7 - bit % 8)) & mask")),
    mutant("M35", "status lists", "control plane writes a list's bits most significant first", STATUS_LISTS,
           (LIST_WRITER, "bytes[index / 8] |= UInt8(1) << UInt8(index % 8)", "bytes[index / 8] |= UInt8(0x80) >> UInt8(index % 8)")),
    mutant("M36", "status lists", "a list is verified with the access-token keys, not its own", STATUS_LISTS,
           (STATUS, "keys: try await statusLists.keys(for: uri), at: date)", "keys: self.staticKeys, at: date)")),
    mutant("M37", "status lists", "a list of another typ is used", STATUS_LISTS,
           (STATUS, 'guard parts.type == "statuslist+jwt" else {', 'guard parts.type != "at+jwt" else {')),
    mutant("M38", "status lists", "a list's ttl is ignored (cached up to half the maximum staleness)", STATUS_LISTS,
           (CHECKER, "return .init(value: list, lifetime: list.ttl, expiresAt: list.expiresAt, issuedAt: list.issuedAt)",
            "return .init(value: list, lifetime: nil, expiresAt: list.expiresAt, issuedAt: list.issuedAt)")),
    mutant("M39", "status lists", "a stale list (or key set) is used ten times past the maximum staleness",
           STATUS_LISTS + "|" + suites("RemoteJWKSTests"),
           (CACHED_DOCUMENT, "date.timeIntervalSince(lastSuccess) <= policy.maxStaleness &&",
            "date.timeIntervalSince(lastSuccess) <= policy.maxStaleness * 10 &&")),
    mutant("M40", "status lists", "a list URI only has to start with the origin's text", STATUS_LISTS,
           (CHECKER, 'uri.hasPrefix(origin + "/")', "uri.hasPrefix(origin)")),
    mutant("M41", "status lists", "a suspended token (status 0x02) passes", STATUS_LISTS,
           (STATUS, "if value != 0 {", "if value == 1 {")),
    mutant("M86", "status lists", "a list issued before the one held replaces it (a replay undoes a revocation)", STATUS_LISTS,
           (CACHED_DOCUMENT, "state.value != nil, issued < held {", "state.value != nil, issued < held.addingTimeInterval(-1e9) {")),
    mutant("M87", "status lists", "a list's age counts from its fetch, not its iat (a stale copy looks fresh)", STATUS_LISTS,
           (CACHED_DOCUMENT, "state.lastSuccess = min(date, loaded.issuedAt ?? date)", "state.lastSuccess = date")),
    mutant("M88", "status lists", "JWT_STATUS_LIST_ORIGIN set but empty is taken as unset (revocation off)", STATUS_LISTS,
           ("Sources/AgentOSAuth/Configuration/AgentOSAuthConfiguration+Environment.swift",
            'if environment["JWT_STATUS_LIST_ORIGIN"] != nil, value(', 'if false, environment["JWT_STATUS_LIST_ORIGIN"] != nil, value(')),
    mutant("M89", "status lists", "a list of the held list's second replaces it (a same-second replay undoes a revocation)",
           STATUS_LISTS, (CACHED_DOCUMENT, "loaded.issuedAt != nil, loaded.issuedAt == state.issuedAt {",
                          "loaded.issuedAt == nil, loaded.issuedAt == state.issuedAt {")),
    mutant("M90", "status lists", "the control plane serves a signed list for its whole ttl (too old for an OS's staleness)",
           suites("TokenRevocationTests"),
           ("Sources/ControlPlane/StatusLists/StatusLists.swift", "until: at.addingTimeInterval(min(TimeInterval(ttl), Self.resignAfter))",
            "until: at.addingTimeInterval(TimeInterval(ttl))")),
    # --- the login throttle
    mutant("M42", "throttle", "attempts in flight do not count against the limit", THROTTLING,
           (THROTTLE, "if entry.failures.count + entry.inFlight >= limit {", "if entry.failures.count >= limit {")),
    mutant("M43", "throttle", "a right password also clears the client address's failures", THROTTLING,
           (THROTTLE, "} else if resetting.contains(key) {", "} else {")),
    mutant("M44", "throttle", "failures are forgotten after 10 s instead of the window", THROTTLING,
           (THROTTLE, "entry.failures.removeAll { now.timeIntervalSince($0) >= window }",
            "entry.failures.removeAll { now.timeIntervalSince($0) >= window / 6 }")),
    # --- CSRF (the console's cookie sessions)
    mutant("M45", "CSRF", "any non-empty X-CSRF-Token is accepted", CSRF,
           (COOKIES, "guard AuthGate.constantTimeEquals(sent.utf8, Self.csrfToken(for: token).utf8) else {",
            "guard AuthGate.constantTimeEquals(sent.utf8, Self.csrfToken(for: token).utf8) || !sent.isEmpty else {")),
    mutant("M46", "CSRF", "any Origin is accepted", CSRF,
           (COOKIES, "guard origin == publicOrigin || (authority != nil && authority == request.head.authority) else {",
            "guard origin == publicOrigin || authority != nil else {")),
    mutant("M47", "CSRF", "the CSRF token is the same for every session", CSRF,
           (COOKIES, '("agentos-console-csrf:" + session)', '("agentos-console-csrf:" + session.prefix(4))')),
    mutant("M48", "CSRF", "the session cookie is readable by scripts (no HttpOnly)", CSRF,
           (COOKIES, "session.token, expires: session.expiresAt, secure: secure, httpOnly: true)",
            "session.token, expires: session.expiresAt, secure: secure, httpOnly: false)")),
    mutant("M49", "CSRF", "a cookie DELETE needs no CSRF token", CSRF,
           (COOKIES, "guard [.get, .head, .options].contains(request.method) else {",
            "guard [.get, .head, .options, .delete].contains(request.method) else {")),
    # --- MFA
    mutant("M50", "MFA", "TOTP window: two steps either side count", MFA,
           (TOTP, "public static let window: Int64 = 1", "public static let window: Int64 = 2")),
    mutant("M51", "MFA", "a TOTP code works twice (step reuse, in Swift and in SQL)", MFA,
           (TOTP, "code.utf8), candidate > after, found == nil {", "code.utf8), found == nil {"),
           (MFA_STORE, "AND last_step < \\(step) AND", "AND last_step <= \\(step) AND")),
    mutant("M52", "MFA", "a recovery code works more than once", MFA,
           (MFA_STORE, "WHERE user_id = \\(user) AND code_hash = \\(hash) AND used_at IS NULL RETURNING code_hash",
            "WHERE user_id = \\(user) AND code_hash = \\(hash) RETURNING code_hash")),
    mutant("M53", "MFA", "a sign-in challenge never expires", MFA,
           (MFA_STORE, "AND c.used_at IS NULL AND c.expires_at > \\(at) AND", "AND c.used_at IS NULL AND"),
           (MFA_STORE, "AND used_at IS NULL AND expires_at > \\(at) AND failures", "AND used_at IS NULL AND failures")),
    mutant("M54", "MFA", "a sign-in challenge can be completed twice", MFA,
           (MFA_STORE, "WHERE c.token_hash = \\(hash) AND c.used_at IS NULL AND", "WHERE c.token_hash = \\(hash) AND"),
           (MFA_STORE, "WHERE token_hash = \\(hash) AND used_at IS NULL AND expires_at", "WHERE token_hash = \\(hash) AND expires_at")),
    # --- invitations
    mutant("M55", "invitations", "an expired invitation is accepted", INVITES,
           (INVITATION_STORE, "AND i.revoked_at IS NULL AND i.expires_at > \\(at)", "AND i.revoked_at IS NULL"),
           (INVITATION_STORE, "AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > \\(at)\n",
            "AND accepted_at IS NULL AND revoked_at IS NULL\n")),
    mutant("M56", "invitations", "an invitation can be taken twice", INVITES,
           (INVITATION_STORE, "WHERE code_hash = \\(hash) AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at",
            "WHERE code_hash = \\(hash) AND revoked_at IS NULL AND expires_at")),
    mutant("M57", "invitations", "a signed-in account accepts another account's invitation", INVITES,
           (INVITATIONS, "guard taken.user == user else {", "guard taken.user == user || true else {")),
    mutant("M58", "invitations", "a reissued invitation leaves the earlier codes working", INVITES,
           (INVITATIONS, "try await store.revokePending(org: access.org.id, user: user.id, at: at, on: connection)\n", "")),
    # --- key custody
    mutant("M59", "key custody", "a signing key's AAD no longer binds its OS", CUSTODY,
           (KEY_MATERIAL, 'Data("agentos-cp/signing-key/v1|\\(osInstance.uuidString.lowercased())|\\(kid)|\\(algorithm)".utf8)',
            'Data("agentos-cp/signing-key/v1|\\(kid)|\\(algorithm)".utf8)')),
    mutant("M60", "key custody", "a status-list key's AAD says signing-key (purpose not bound)", CUSTODY,
           (LIST_KEYS, 'Data("agentos-cp/status-list-key/v1|', 'Data("agentos-cp/signing-key/v1|')),
    mutant("M61", "key custody", "rewrap leaves keys under the old KEK", CUSTODY,
           (MASTER_KEYS, "guard kekID != currentID else { return nil }", "guard kekID == currentID else { return nil }")),
    # --- the audit chain
    mutant("M62", "audit chain", "a new event links to the genesis, not the chain's head", AUDIT_CHAIN,
           (AUDIT, "var previous = head?.hash ?? Self.genesis", "var previous = Self.genesis")),
    mutant("M63", "audit chain", "the MAC does not cover the organisation (a chain can move)", AUDIT_CHAIN,
           (AUDIT_KEYS, '"org": org.lowercased, "seq": record.seq,', '"seq": record.seq,')),
    mutant("M64", "audit chain", "the MAC does not cover the target", AUDIT_CHAIN,
           (AUDIT_KEYS, '"action": record.action, "target": record.target, "details": record.details, "prev"',
            '"action": record.action, "details": record.details, "prev"')),
    mutant("M65", "audit chain", "the link to the previous event is not checked", AUDIT_CHAIN,
           (AUDIT, "if record.prevHash != prev {", "if record.prevHash != prev && false {")),
    # --- reset codes
    mutant("M66", "reset codes", "a reset code applies whatever its issuer's authority now", RESETS,
           (ACCOUNTS, "guard try await store.resetAuthorityHolds(spent, at: at, on: connection) else { return false }",
            "guard try await store.resetAuthorityHolds(spent, at: at, on: connection) || true else { return false }")),
    mutant("M67", "reset codes", "an org admin's code survives the account joining another organisation", RESETS,
           (ACCOUNT_STORE, "collect().first, row.0 == 0,", "collect().first, row.0 >= 0,")),
    mutant("M68", "reset codes", "a demoted issuer's code still applies", RESETS,
           (ACCOUNT_STORE, "return issuerRole >= .admin && (targetRole != .owner || issuerRole == .owner)",
            "return targetRole != .owner || issuerRole == .owner")),
    mutant("M69", "reset codes", "an org admin may issue a reset for an account of another organisation too", RESETS,
           (ACCOUNTS, "if try await members.belongsElsewhere(user: member.user.id, than: access.org.id, on: connection) {",
            "if try await members.belongsElsewhere(user: member.user.id, than: access.org.id, on: connection) && false {")),
    # --- one per finding of issue #25, "Tests that prove what their names say"
    mutant("M70", "findings", "a bad JWT_STATUS_LIST_ORIGIN is dropped silently (revocation off)",
           suites("StatusListTests/theOriginSetting"),
           (ENVIRONMENT, "guard let origin = Self.origin(raw) else {", "let origin = Self.origin(raw)\n            if false {"),
           finding="a bad JWT_STATUS_LIST_ORIGIN checked through try?"),
    mutant("M71", "findings", "Secrets.hash stores the secret in clear (sessions, invitations, challenges, resets)",
           suites("SignInTests/sessionLifecycle", "InvitationTests/invitationLifecycle", "MFASignInTests/enrolConfirmThenSignInNeedsACode",
                  "ResetAuthorityTests/legitimateResetsStillWork"),
           (SECRETS, "static func hash(_ secret: String) -> Data { Data(SHA256.hash(data: Data(secret.utf8))) }",
            "static func hash(_ secret: String) -> Data { Data(secret.utf8) }"),
           finding="stored hashed only, judged with the production Secrets.hash"),
    mutant("M72", "findings", "recovery codes stored unsalted", suites("MFASignInTests"),
           (MFA_CODE, 'Data("agentos-cp/recovery-code/v1|\\(user.lowercased)|\\(normalised)".utf8)', "Data(normalised.utf8)"),
           finding="recovery codes only checked to differ from an unsalted hash"),
    mutant("M73", "findings", "recovery codes stored in clear", suites("MFASignInTests"),
           (MFA_CODE, 'Data(SHA256.hash(data: Data("agentos-cp/recovery-code/v1|\\(user.lowercased)|\\(normalised)".utf8)))',
            "Data(normalised.utf8)"),
           finding="recovery codes only checked to differ from an unsalted hash"),
    mutant("M74", "findings", "explain refuses a subject with 400 (the Explanation is never answered)",
           suites("ResponseConformanceTests"),
           (EXPLAIN, "guard (reference == nil) != (token == nil) else {", "guard token != nil else {"),
           finding="ResponseConformanceTests asserts no status; its explain sample was refused with 400"),
    mutant("M75", "findings", "sign-in runs bcrypt for every attempt, then answers 429", suites("SignInBurstTests", "SignInTests"),
           (AUTHENTICATION,
            "        if let wait = throttle.reserve(keys, now: at) { throw ControlPlaneError.tooManyRequests(retryAfter: wait) }\n"
            "        var outcome = LoginThrottle.Outcome.failed\n"
            "        var resetting = [emailKey]\n"
            "        defer { throttle.finish(keys, outcome, resetting: resetting, now: now()) }\n"
            "        let user = try await credentials.passwordHash(email: email)\n"
            "        guard password.utf8.count <= 1024, try await Passwords.verify(password, hash: user?.1), let user else {\n",
            "        let user = try await credentials.passwordHash(email: email)\n"
            "        let matches = try await Passwords.verify(password, hash: user?.1)\n"
            "        if let wait = throttle.reserve(keys, now: at) { throw ControlPlaneError.tooManyRequests(retryAfter: wait) }\n"
            "        var outcome = LoginThrottle.Outcome.failed\n"
            "        var resetting = [emailKey]\n"
            "        defer { throttle.finish(keys, outcome, resetting: resetting, now: now()) }\n"
            "        guard password.utf8.count <= 1024, matches, let user else {\n"),
           finding="burst tests infer 'evaluated' from 401 counts with an upper bound only"),
    mutant("M76", "findings", "a second-factor code is checked for every attempt, then 429", suites("MFAGuardTests", "MFASignInTests"),
           (MFA_SIGN_IN,
            "        if let wait = throttle.reserve(keys, now: now()) { throw ControlPlaneError.tooManyRequests(retryAfter: wait) }\n"
            "        var outcome = LoginThrottle.Outcome.failed\n"
            "        defer { throttle.finish(keys, outcome, resetting: [emailKey], now: now()) }\n"
            "        let at = now()\n",
            "        let at = now()\n"),
           (MFA_SIGN_IN,
            "        guard accepted else {\n",
            "        if let wait = throttle.reserve(keys, now: now()) { throw ControlPlaneError.tooManyRequests(retryAfter: wait) }\n"
            "        var outcome = LoginThrottle.Outcome.failed\n"
            "        defer { throttle.finish(keys, outcome, resetting: [emailKey], now: now()) }\n"
            "        guard accepted else {\n"),
           finding="burst tests infer 'evaluated' from 401 counts with an upper bound only"),
    mutant("M77", "findings", "the request deadline doubled", suites("DeadlineTests", "DatabaseOutageTests"),
           (DEADLINE, "try await withDeadline(timeout, {", "try await withDeadline(timeout * 2, {"),
           finding="deadline and outage tests allow 15 s for 200 ms-4 s behaviours"),
    mutant("M78", "findings", "readiness waits 8 s for the database instead of 2 s", suites("ReadinessOutageTests", "HealthRoutesTests"),
           (READINESS, "timeout: Duration = .seconds(2)", "timeout: Duration = .seconds(8)"),
           finding="deadline and outage tests allow 15 s for 200 ms-4 s behaviours"),
    mutant("M79", "findings", "replica caches learn of changes elsewhere only at their maximum age",
           suites("CacheInvalidationReplicaTests", "ReplicaFaultTests/rotationAndRevocationThroughOneReplicaAreHonouredByTheOtherAtOnce"),
           (CHANGE_FEED, "if ChangeMessage(message.payload).endsCachedRows { epoch.invalidate() }",
            "if ChangeMessage(message.payload).endsCachedRows { _ = epoch }"),
           (CHANGE_FEED, "        case .change:\n            epoch.invalidate()\n", "        case .change:\n            break\n"),
           (CHANGE_FEED, "        case .fence(let writer, let id):\n            epoch.invalidate()\n",
            "        case .fence(let writer, let id):\n"),
           finding="the replica-cache test retries on 503 and sleeps a fixed 7 s"),
    mutant("M80", "findings", "mfa_required refusals answer the plain forbidden code", suites("MFARequirementTests", "AuthorizationMatrixTests"),
           (ERRORS, 'case .mfaRequired(let message): .init(.forbidden, code: "mfa_required", message: message)',
            "case .mfaRequired(let message): .forbidden(message)"),
           finding="refusals assert the status only (right status, wrong error code)"),
    mutant("M81", "findings", "listing service accounts checks manageMembers (same 403s, another reason)",
           suites("AuthorizationMatrixTests", "GeneratedServiceAccountTests"),
           (SERVICE_ACCOUNTS, "    public func list(_ access: OrgAccess) async throws -> [ServiceAccount] {\n"
                              "        try access.require(.manageServiceAccounts)\n",
            "    public func list(_ access: OrgAccess) async throws -> [ServiceAccount] {\n"
            "        try access.require(.manageMembers)\n"),
           finding="refusals assert the status only (right status, wrong reason)"),
    mutant("M82", "findings", "a refused service-account creation still writes the account",
           suites("AuthorizationMatrixTests", "GeneratedServiceAccountTests"),
           (SERVICE_ACCOUNTS, "        try access.require(.manageServiceAccounts)\n        try Validation.name(name)\n",
            "        try Validation.name(name)\n"),
           (SERVICE_ACCOUNTS, "        return (account, secret)\n",
            "        try access.require(.manageServiceAccounts)\n        return (account, secret)\n"),
           finding="refusals never re-read that nothing changed"),
    mutant("M83", "findings", "over-asking is refused with the no-scopes reason (same 403)", suites("EscalationPropertyTests"),
           (MINT, 'throw ControlPlaneError.scopesRefused("requested scopes not held by the subject: \\(uncovered.joined(separator: ", "))")',
            "throw ControlPlaneError.scopesRefused(\"the subject has no scopes on OS '\\(os)'\")"),
           finding="the escalation property test asserts the status only"),
    mutant("M84", "findings", "the audience check skipped (demo-os end to end)", suites("EndToEndTests/aliceRunsOnlyWebAgentWithThePublishedPEM"),
           (CLAIMS, "guard audiences.contains(expected) else {", "guard audiences.contains(expected) || true else {"),
           finding="audience refusals used another OS's key, so the audience check was never reached"),
    mutant("M85", "findings", "an org-wide subject revocation reaches only one OS",
           suites("TokenRevocationTests/revokingAServiceAccountRevokesItsTokensOnEveryOS", "TokenRevocationTests/accessChangesRevokeTheSubjectsTokens"),
           (REVOCATION, "if osInstances == nil { targets = try await store.osInstances(org: org, on: connection) }",
            "if osInstances == nil { targets = Array(try await store.osInstances(org: org, on: connection).prefix(1)) }"),
           finding="'revokes its tokens on every OS' used one OS"),
]


# --- running


def log_path(name: str) -> Path:
    STATE.mkdir(parents=True, exist_ok=True)
    return STATE / f"{name}.log"


def run(command: list[str], timeout: float, log: Path) -> tuple[int | None, str]:
    """Runs `command` in its own process group; (exit status or None on timeout, output). On a
    timeout or an interrupt the whole group is ended (a test run starts PostgreSQL, Python...)."""
    with open(log, "a") as sink:
        sink.write(f"\n$ {' '.join(command)}\n")
        sink.flush()
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   errors="replace", start_new_session=True)
        try:
            output, _ = process.communicate(timeout=timeout)
            status: int | None = process.returncode
        except (subprocess.TimeoutExpired, Interrupted, KeyboardInterrupt) as reason:
            stop_group(process)
            output, _ = process.communicate()
            if not isinstance(reason, subprocess.TimeoutExpired):
                sink.write(output)
                raise
            status = None
        sink.write(output)
    return status, output


def stop_group(process: subprocess.Popen) -> None:
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def build(log: Path, timeout: float) -> tuple[bool | None, str]:
    """(True: built; False: errors; None: timed out), and the output's last lines."""
    status, output = run(["swift", "build", "--build-tests"], timeout, log)
    errors = list(dict.fromkeys(line for line in output.splitlines() if ": error:" in line))
    tail = "\n".join((errors or output.splitlines())[-12:])
    return (None if status is None else status == 0), tail


SUMMARY = re.compile(r"Test run with (\d+) tests?(?: in \d+ suites?)? (passed|failed)")
FAILED_TEST = re.compile(r"✘ Test (?!run with)(.+?) (?:failed after|recorded an issue)")
CASES = re.compile(r" with \d+ test cases?$")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test(filter: str, log: Path, timeout: float) -> Result:
    """Swift Testing's verdict on the tests matching `filter`: KILLED names the failing tests."""
    status, output = run(["swift", "test", "--skip-build", "--filter", filter], timeout, log)
    output = ANSI.sub("", output)
    if status is None:
        return Result("CRASHED", f"timed out after {timeout:.0f} s")
    summary = SUMMARY.findall(output)
    if not summary:
        tail = [line for line in output.splitlines() if line.strip()][-3:]
        return Result("CRASHED", f"exit {status}, no Swift Testing summary: " + " | ".join(tail)[:300])
    count, outcome = int(summary[-1][0]), summary[-1][1]
    if count == 0:
        return Result("CRASHED", "no test matched the filter")
    if outcome == "failed":
        names = sorted({CASES.sub("", match.group(1).strip()) for match in FAILED_TEST.finditer(output)})
        return Result("KILLED", ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else ""))
    if status != 0:
        return Result("CRASHED", f"exit {status} after '{count} tests passed'")
    return Result("SURVIVED", f"{count} tests passed")


# --- applying and restoring


def apply(mutant: Mutant) -> dict[str, tuple[bytes, bytes]] | str:
    """The mutated contents per file ({path: (original, mutated)}), or why the mutant is stale."""
    changes: dict[str, tuple[bytes, bytes]] = {}
    for edit in mutant.edits:
        path = ROOT / edit.file
        if not path.exists():
            return f"{edit.file} does not exist"
        original, text = changes.get(edit.file, (path.read_bytes(), path.read_bytes()))
        current = text.decode()
        found = current.count(edit.find)
        if found != 1:
            return f"{edit.file}: found {found} times: {edit.find.strip()[:70]!r}"
        changes[edit.file] = (original, current.replace(edit.find, edit.replace).encode())
    return changes


def write_journal(changes: dict[str, tuple[bytes, bytes]], mutant: Mutant) -> None:
    entries = {name: {"original": base64.b64encode(original).decode(), "mutated": base64.b64encode(mutated).decode()}
               for name, (original, mutated) in changes.items()}
    STATE.mkdir(parents=True, exist_ok=True)
    JOURNAL.write_text(json.dumps({"mutant": mutant.id, "files": entries}))


def restore(changes: dict[str, tuple[bytes, bytes]], mutant: Mutant) -> None:
    """Puts the original bytes back. A file someone else changed while the mutant was applied (a
    shared working tree) keeps their change: the mutant's edits are undone in place instead."""
    for name, (original, mutated) in changes.items():
        path = ROOT / name
        current = path.read_bytes()
        if current == mutated:
            path.write_bytes(original)
            if path.read_bytes() != original:
                raise SystemExit(f"could not restore {name}; its original is in {JOURNAL}")
            continue
        undone = undo(current, name, mutant)
        if undone is None:
            raise SystemExit(f"{name} changed while mutant {mutant.id} was applied and the mutant cannot be undone in "
                             f"place; its original is in {JOURNAL}")
        path.write_bytes(undone)
        print(f"{name} changed while mutant {mutant.id} was applied: the mutant was undone in place", flush=True)
    JOURNAL.unlink(missing_ok=True)


def undo(current: bytes, name: str, mutant: Mutant) -> bytes | None:
    """`current` with the mutant's edits of `name` reversed, when each is found exactly once."""
    text = current.decode()
    for edit in reversed([edit for edit in mutant.edits if edit.file == name]):
        if not edit.replace or text.count(edit.replace) != 1 or edit.find in text:
            return None
        text = text.replace(edit.replace, edit.find)
    return text.encode()


def recover() -> bool:
    """Undoes a mutant an interrupted run left applied; False when a file matches neither form."""
    if not JOURNAL.exists():
        return True
    journal = json.loads(JOURNAL.read_text())
    for name, entry in journal["files"].items():
        path = ROOT / name
        original, mutated = base64.b64decode(entry["original"]), base64.b64decode(entry["mutated"])
        current = path.read_bytes() if path.exists() else None
        if current == mutated:
            path.write_bytes(original)
            print(f"restored {name}: mutant {journal['mutant']} of an interrupted run was still applied")
        elif current != original:
            known = next((mutant for mutant in MUTANTS if mutant.id == journal["mutant"]), None)
            undone = undo(current, name, known) if current is not None and known else None
            if undone is None:
                print(f"{name} holds neither mutant {journal['mutant']} nor the original it replaced; "
                      f"compare it with {JOURNAL} by hand, then delete that file")
                return False
            path.write_bytes(undone)
            print(f"undid mutant {journal['mutant']} of an interrupted run in {name} (changed since)")
    JOURNAL.unlink()
    return True


def dirty(mutants: list[Mutant]) -> list[str]:
    files = sorted({edit.file for mutant in mutants for edit in mutant.edits if (ROOT / edit.file).exists()})
    if not files:
        return []
    result = subprocess.run(["git", "diff", "--name-only", "HEAD", "--", *files], cwd=ROOT, capture_output=True, text=True)
    return result.stdout.split()


def check(mutant: Mutant, timeout: float, build_timeout: float) -> Result:
    started = time.time()
    log = log_path(mutant.id)
    log.write_text(f"{mutant.id} {mutant.what}\nfilter: {mutant.tests}\n")
    changes = apply(mutant)
    if isinstance(changes, str):
        return Result("STALE", changes, time.time() - started)
    write_journal(changes, mutant)
    try:
        for name, (_, mutated) in changes.items():
            (ROOT / name).write_bytes(mutated)
        built, tail = build(log, build_timeout)
        if built is None:
            result = Result("CRASHED", f"build timed out after {build_timeout:.0f} s")
        elif not built:
            result = Result("DID NOT COMPILE", tail.splitlines()[0][:300] if tail else "")
        else:
            result = test(mutant.tests, log, timeout)
    finally:
        restore(changes, mutant)
    result.seconds = time.time() - started
    return result


# --- the command


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated mutant ids, e.g. M12,M30")
    parser.add_argument("--list", action="store_true", help="list the mutants and whether each still applies; run nothing")
    parser.add_argument("--timeout", type=float, default=900, help="seconds for one mutant's test run (default 900)")
    parser.add_argument("--build-timeout", type=float, default=1800, help="seconds for one build (default 1800)")
    parser.add_argument("--allow-dirty", action="store_true",
                        help="mutate files with uncommitted changes (a tree others are editing; the journal still guards)")
    return parser.parse_args()


def select(only: str | None) -> list[Mutant]:
    ids = [m.id for m in MUTANTS]
    assert len(ids) == len(set(ids)), "duplicate mutant ids"
    if not only:
        return MUTANTS
    wanted = [part.strip().upper() for part in only.split(",") if part.strip()]
    unknown = [part for part in wanted if part not in ids]
    if unknown:
        raise SystemExit(f"unknown mutant(s): {', '.join(unknown)}")
    return [m for m in MUTANTS if m.id in wanted]


def list_mutants(mutants: list[Mutant]) -> int:
    stale = 0
    for mutant in mutants:
        changes = apply(mutant)
        state = "ok" if not isinstance(changes, str) else f"STALE: {changes}"
        stale += state != "ok"
        files = ", ".join(sorted({Path(edit.file).name for edit in mutant.edits}))
        print(f"{mutant.id:4} {mutant.area:12} {mutant.what}\n     {files}; tests {mutant.tests}\n     {state}")
        if mutant.finding:
            print(f"     finding: {mutant.finding}")
    areas: dict[str, int] = {}
    for mutant in mutants:
        areas[mutant.area] = areas.get(mutant.area, 0) + 1
    print(f"\n{len(mutants)} mutants ({', '.join(f'{area} {count}' for area, count in areas.items())}); {stale} stale")
    return 0


def report(mutants: list[Mutant], results: dict[str, Result], total: float) -> None:
    print("\nid   area         verdict          time  mutant / detail")
    for mutant in mutants:
        result = results.get(mutant.id)
        if result is None:
            continue
        print(f"{mutant.id:4} {mutant.area:12} {result.verdict:15} {result.seconds:5.0f}s {mutant.what}")
        if result.detail:
            print(f"{'':41}{'killed by ' if result.verdict == 'KILLED' else ''}{result.detail}")
    counts = {verdict: 0 for verdict in ("KILLED", "SURVIVED", "DID NOT COMPILE", "STALE", "CRASHED")}
    for result in results.values():
        counts[result.verdict] += 1
    print("\n" + ", ".join(f"{count} {verdict.lower()}" for verdict, count in counts.items()) + f" in {total / 60:.0f} min")
    survivors = [m.id for m in mutants if m.id in results and results[m.id].verdict == "SURVIVED"]
    if survivors:
        print("survivors: " + ", ".join(survivors))


def main() -> int:
    try:
        return run_mutants(parse())
    except (Interrupted, KeyboardInterrupt):
        print("\ninterrupted: every mutated file is restored; run `swift build --build-tests` before testing")
        return 2


def run_mutants(arguments: argparse.Namespace) -> int:
    mutants = select(arguments.only)
    if arguments.list:
        return list_mutants(mutants)

    if not recover():
        return 2
    if not arguments.allow_dirty and (changed := dirty(mutants)):
        print("these files differ from the last commit, so a mutant could not be judged against the committed code "
              "(or one of an older run is still applied): " + ", ".join(changed))
        print("commit or inspect them, or pass --allow-dirty")
        return 2
    started = time.time()
    results: dict[str, Result] = {}
    runnable = []
    for mutant in mutants:
        changes = apply(mutant)
        if isinstance(changes, str):
            results[mutant.id] = Result("STALE", changes)
        else:
            runnable.append(mutant)

    log = log_path("baseline")
    log.write_text("")
    print(f"baseline: building the unmutated tree (log {log.relative_to(ROOT)})", flush=True)
    built, tail = build(log, arguments.build_timeout)
    if not built:
        print("the unmutated tree does not build:\n" + tail)
        return 2
    if runnable:
        filter = "|".join(dict.fromkeys(m.tests for m in runnable))
        print("baseline: the selected mutants' tests on the unmutated tree", flush=True)
        tested = time.time()
        baseline = test(filter, log, arguments.timeout * max(1, len(runnable) // 4))
        if baseline.verdict != "SURVIVED":
            print(f"the tests do not pass on the unmutated tree ({baseline.verdict.lower()}: {baseline.detail}); "
                  f"every mutant would look killed. Nothing was mutated. Log: {log.relative_to(ROOT)}")
            return 2
        print(f"baseline: {baseline.detail} in {time.time() - tested:.0f} s", flush=True)

    for mutant in runnable:
        try:
            result = check(mutant, arguments.timeout, arguments.build_timeout)
        except (Interrupted, KeyboardInterrupt):
            report(mutants, results, time.time() - started)
            raise
        results[mutant.id] = result
        print(f"{mutant.id:4} {result.verdict:15} {result.seconds:5.0f}s {mutant.what}"
              + (f"\n{'':27}{result.detail}" if result.detail else ""), flush=True)
        if result.verdict == "DID NOT COMPILE":
            # A tree that does not build without the mutant either says nothing about the mutant.
            clean, tail = build(log_path(mutant.id), arguments.build_timeout)
            if not clean:
                print("the unmutated tree no longer builds (another change?); stopping:\n" + tail)
                report(mutants, results, time.time() - started)
                return 2
    # The last mutant's objects are still in .build: rebuild, so a `swift test --skip-build`
    # after this run tests the real code.
    print("rebuilding the unmutated tree", flush=True)
    build(log_path("baseline"), arguments.build_timeout)
    report(mutants, results, time.time() - started)
    if any(r.verdict == "SURVIVED" for r in results.values()):
        return 1
    return 3 if any(r.verdict != "KILLED" for r in results.values()) else 0


def terminate(_signal, _frame):
    raise Interrupted()


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, terminate)
    sys.exit(main())
