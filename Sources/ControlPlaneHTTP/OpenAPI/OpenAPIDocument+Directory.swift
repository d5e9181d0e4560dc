import Foundation

extension OpenAPIDocument {
    /// Health, sign-in, API keys, organisations, audit, OSes and their authorization.
    static var directoryEndpoints: [Endpoint] {
        [
            Endpoint(
                method: "get",
                path: "/health",
                summary: "Liveness",
                tag: "health",
                authenticated: false,
                success: (200, S.object(["status": S.string])),
                errors: []
            ),
            Endpoint(
                method: "get",
                path: "/ready",
                summary: "Readiness (database reachable, no pending migration)",
                tag: "health",
                authenticated: false,
                success: (200, S.object(["status": S.string])),
                errors: [503]
            ),
            Endpoint(
                method: "get",
                path: "/metrics",
                summary: "Prometheus metrics (text exposition format; docs/operations.md lists them)",
                tag: "health",
                authenticated: false,
                success: (200, nil),
                errors: []
            ),
            Endpoint(
                method: "get",
                path: "/openapi.json",
                summary: "This document",
                tag: "health",
                authenticated: false,
                success: (200, ["type": "object"]),
                errors: []
            ),
            Endpoint(
                method: "get",
                path: "/console",
                summary: "The browser console (docs/console.md): a client of this API, signed in with a cookie session",
                tag: "console",
                authenticated: false,
                success: (200, nil),
                errors: [404]
            ),
            Endpoint(
                method: "get",
                path: "/console/invite",
                summary: "The console's invitation page (the code travels in the URL fragment, never to the server)",
                tag: "console",
                authenticated: false,
                success: (200, nil),
                errors: [404]
            ),
            Endpoint(
                method: "get",
                path: "/console/assets/{file}",
                summary: "A script, style sheet or image of the console",
                tag: "console",
                authenticated: false,
                success: (200, nil),
                errors: [404]
            ),
            Endpoint(
                method: "post",
                path: "/v1/auth/login",
                summary:
                    "Sign in; returns a cps_ session token (with X-Session-Delivery: cookie, sets the console's cookies instead), or (200) a second-factor challenge for an account with TOTP",
                tag: "auth",
                authenticated: false,
                body: S.object(["email": S.string, "password": S.string], required: ["email", "password"]),
                success: (201, S.ref("Session")),
                alsoSuccess: (200, S.ref("MFAChallenge")),
                errors: [400, 401, 403, 413, 415, 429]
            ),
            Endpoint(
                method: "post",
                path: "/v1/auth/login/mfa",
                summary:
                    "Complete a sign-in with the challenge and a TOTP or recovery code; returns a cps_ session token (or sets the console's cookies, as for sign-in)",
                tag: "auth",
                authenticated: false,
                body: S.object(["mfa_token": S.string, "code": S.string], required: ["mfa_token", "code"]),
                success: (201, S.ref("Session")),
                errors: [400, 401, 403, 429]
            ),
            Endpoint(
                method: "post",
                path: "/v1/auth/logout",
                summary: "End the session used",
                tag: "auth",
                success: (204, nil),
                errors: [400, 401]
            ),
            Endpoint(
                method: "post",
                path: "/v1/api-keys",
                summary: "Create an API key for the calling user (shown once)",
                tag: "auth",
                body: S.object(["name": S.string, "expires_in_days": S.integer], required: ["name"]),
                success: (201, S.ref("APIKey")),
                errors: [400, 401]
            ),
            Endpoint(
                method: "get",
                path: "/v1/api-keys",
                summary: "The calling user's API keys",
                tag: "auth",
                success: (200, S.list("api_keys", "APIKey")),
                errors: [400, 401]
            ),
            Endpoint(
                method: "delete",
                path: "/v1/api-keys/{id}",
                summary: "Revoke one of the caller's API keys",
                tag: "auth",
                success: (204, nil),
                errors: [400, 401, 404]
            ),
            Endpoint(
                method: "post",
                path: "/v1/orgs",
                summary: "Create an organisation",
                tag: "orgs",
                body: S.object(["slug": S.string, "name": S.string], required: ["slug", "name"]),
                success: (201, S.ref("Organization")),
                errors: [400, 401, 403, 409]
            ),
            Endpoint(
                method: "get",
                path: "/v1/orgs",
                summary: "Organisations the caller can see",
                tag: "orgs",
                success: (200, S.list("organizations", "Organization")),
                errors: [401]
            ),
            Endpoint(method: "get", path: orgPath, summary: "One organisation", tag: "orgs", success: (200, S.ref("Organization"))),
            Endpoint(
                method: "patch",
                path: orgPath,
                summary: "Change the organisation's settings: require_mfa (admins and owners)",
                tag: "orgs",
                body: S.object(["require_mfa": S.bool]),
                success: (200, S.ref("Organization")),
                errors: [400, 401, 403, 404, 409]
            ),
            Endpoint(method: "delete", path: orgPath, summary: "Delete an organisation (owners)", tag: "orgs", success: (204, nil)),
            Endpoint(
                method: "get",
                path: orgPath + "/audit",
                summary: "The audit trail, newest first",
                tag: "orgs",
                success: (200, S.list("events", "AuditEvent")),
                query: [("limit", S.integer), ("before", S.integer)]
            ),
            Endpoint(
                method: "get",
                path: orgPath + "/audit/verify",
                summary: "Recompute the audit chain's MACs; reports the head to pin, names the first altered event, checks a pinned head",
                tag: "orgs",
                success: (200, S.ref("AuditVerification")),
                query: [("expect_head", S.string)]
            ),
            Endpoint(
                method: "get",
                path: "/v1/audit",
                summary: "The system audit chain (events of no organisation: superuser and API keys, MFA), newest first (superuser)",
                tag: "orgs",
                success: (200, S.list("events", "AuditEvent")),
                errors: [400, 401, 403],
                query: [("limit", S.integer), ("before", S.integer)]
            ),
            Endpoint(
                method: "get",
                path: "/v1/audit/verify",
                summary: "Verify the system audit chain (superuser)",
                tag: "orgs",
                success: (200, S.ref("AuditVerification")),
                errors: [400, 401, 403],
                query: [("expect_head", S.string)]
            ),
            Endpoint(
                method: "post",
                path: orgPath + "/members",
                summary: "Invite a member (creates the account if new); the invitation code is shown once",
                tag: "members",
                body: S.object(
                    ["email": S.string, "name": S.string, "role": ["type": "string", "enum": ["owner", "admin", "member"]]],
                    required: ["email", "name", "role"]
                ),
                success: (201, S.ref("InvitedMember")),
                errors: [400, 401, 403, 404, 409]
            ),
            Endpoint(
                method: "get",
                path: orgPath + "/members",
                summary: "Members",
                tag: "members",
                success: (200, S.list("members", "Member"))
            ),
            Endpoint(
                method: "patch",
                path: orgPath + "/members/{user}",
                summary: "Change a member's role or disabled flag",
                tag: "members",
                body: S.object(["role": ["type": "string", "enum": ["owner", "admin", "member"]], "disabled": S.bool]),
                success: (200, S.ref("Member")),
                errors: [400, 401, 403, 404, 409]
            ),
            Endpoint(
                method: "delete",
                path: orgPath + "/members/{user}",
                summary: "Remove a member",
                tag: "members",
                success: (204, nil),
                errors: [400, 401, 403, 404, 409]
            ),
            Endpoint(
                method: "post",
                path: orgPath + "/os",
                summary: "Register an OS (and generate its key pair)",
                tag: "os",
                body: S.object(
                    [
                        "id": S.string, "name": S.string, "url": S.string, "authorization": S.bool,
                        "algorithm": ["type": "string", "enum": ["RS256", "ES256", "EdDSA"]],
                        "rotation_period": S.nullable(S.rotationPeriod),
                    ],
                    required: ["id", "name"]
                ),
                success: (201, S.ref("Registration")),
                errors: [400, 401, 403, 404, 409]
            ),
            Endpoint(method: "get", path: orgPath + "/os", summary: "OS instances", tag: "os", success: (200, S.list("os", "OS"))),
            Endpoint(method: "get", path: osPath, summary: "One OS", tag: "os", success: (200, S.ref("OS"))),
            Endpoint(
                method: "patch",
                path: osPath,
                summary: "Rename, change the URL, switch the roles claim of its tokens, or set its key-rotation period",
                tag: "os",
                body: S.object(["name": S.string, "url": S.string, "roles_claim": S.bool, "rotation_period": S.nullable(S.rotationPeriod)]),
                success: (200, S.ref("OS"))
            ),
            Endpoint(method: "delete", path: osPath, summary: "Delete an OS", tag: "os", success: (204, nil)),
        ]
    }
}
