import HTTPTypes

/// The OS registry, its keys and grants. Registering, updating and deleting an OS and every key
/// operation are admin operations; members only read (docs/security.md, F2 and F4). Key changes happen on the
/// fixture's OS `keys`, so `prod` keeps the key the public rows and tokens use.
extension AuthorizationMatrix {
    static let osRows: [MatrixRow] = [
        MatrixRow("listOSes", .get, "/v1/orgs/acme/os", may: .role(.member, org: "acme"), 200),
        MatrixRow("getOS", .get, "/v1/orgs/acme/os/prod", may: .role(.member, org: "acme"), 200),
        MatrixRow(
            "registerOS",
            .post,
            "/v1/orgs/acme/os",
            json: ["id": "fresh", "name": "Fresh", "authorization": false],
            may: .role(.admin, org: "acme"),
            201
        ),
        MatrixRow(
            "updateOS",
            .patch,
            "/v1/orgs/acme/os/prod",
            variant: "name and URL",
            json: ["name": "Production", "url": "https://prod.acme.test"],
            may: .role(.admin, org: "acme"),
            200
        ),
        MatrixRow(
            "updateOS",
            .patch,
            "/v1/orgs/acme/os/prod",
            variant: "rotation period",
            json: ["rotation_period": 86400],
            may: .role(.admin, org: "acme"),
            200
        ),
        MatrixRow(
            "updateOS",
            .patch,
            "/v1/orgs/acme/os/prod",
            variant: "verifier",
            json: ["verifier": "agentos-auth"],
            may: .role(.admin, org: "acme"),
            200
        ),
        MatrixRow("getOSEnvironment", .get, "/v1/orgs/acme/os/prod/env", may: .role(.member, org: "acme"), 200),
        // `noauth` was registered without authorization: enabling it makes its first key.
        MatrixRow(
            "enableAuthorization",
            .post,
            "/v1/orgs/acme/os/noauth/authorization",
            json: [:],
            may: .role(.admin, org: "acme"),
            201
        ),
        MatrixRow("listSigningKeys", .get, "/v1/orgs/acme/os/keys/keys", may: .role(.member, org: "acme"), 200),
        MatrixRow(
            "createSigningKey",
            .post,
            "/v1/orgs/acme/os/keys/keys",
            json: ["activate": false],
            may: .role(.admin, org: "acme"),
            201
        ),
        MatrixRow(
            "activateSigningKey",
            .post,
            "/v1/orgs/acme/os/keys/keys/<pending-kid>/activate",
            may: .role(.admin, org: "acme"),
            200
        ),
        MatrixRow(
            "revokeSigningKey",
            .post,
            "/v1/orgs/acme/os/keys/keys/<revocable-kid>/revoke",
            may: .role(.admin, org: "acme"),
            200
        ),
        MatrixRow("rotateSecurityKey", .post, "/v1/orgs/acme/os/keys/security-key", may: .role(.admin, org: "acme"), 201),
        MatrixRow("listGrants", .get, "/v1/orgs/acme/os/prod/grants", may: .role(.member, org: "acme"), 200),
        MatrixRow(
            "createGrant",
            .post,
            "/v1/orgs/acme/os/prod/grants",
            json: ["subject": ["user": "target@acme.test"], "scope": "agents:web-agent:run"],
            may: .role(.admin, org: "acme"),
            201
        ),
    ]

    /// Effective access, explain and tokens: for oneself a member's right (a service account's
    /// only for tokens), for another subject an admin's (or a token broker's, for tokens).
    static let accessRows: [MatrixRow] = [
        MatrixRow(
            "getEffectiveAccess",
            .get,
            "/v1/orgs/acme/os/prod/access?<self-query>",
            variant: "own",
            may: .role(.member, org: "acme"),
            200,
            words: "member (own access)"
        ),
        MatrixRow(
            "getEffectiveAccess",
            .get,
            "/v1/orgs/acme/os/prod/access?user=target@acme.test",
            variant: "another's",
            may: .role(.admin, org: "acme"),
            200
        ),
        MatrixRow(
            "explainDecision",
            .post,
            "/v1/orgs/acme/os/prod/explain",
            variant: "own",
            json: ["subject": "<self-subject>", "method": "GET", "path": "/agents"],
            may: .role(.member, org: "acme"),
            200,
            words: "member (for oneself)"
        ),
        MatrixRow(
            "explainDecision",
            .post,
            "/v1/orgs/acme/os/prod/explain",
            variant: "a token",
            json: ["token": "<target-token>", "method": "GET", "path": "/agents"],
            may: .role(.member, org: "acme"),
            200,
            words: "member (for a token)"
        ),
        MatrixRow(
            "explainDecision",
            .post,
            "/v1/orgs/acme/os/prod/explain",
            variant: "another's",
            json: ["subject": ["user": "target@acme.test"], "method": "GET", "path": "/agents"],
            may: .role(.admin, org: "acme"),
            200
        ),
        MatrixRow("issueToken", .post, "/v1/orgs/acme/os/prod/tokens", variant: "own", json: [:], may: .ownToken(org: "acme"), 201),
        MatrixRow(
            "issueToken",
            .post,
            "/v1/orgs/acme/os/prod/tokens",
            variant: "another's",
            json: ["subject": "target@acme.test"],
            may: .tokenForOthers(org: "acme"),
            201
        ),
        // A service account of acme is a stranger to `other`: 404, as for people.
        MatrixRow(
            "issueToken",
            .post,
            "/v1/orgs/other/os/edge/tokens",
            variant: "own, organisation other",
            json: [:],
            may: .ownToken(org: "other"),
            201
        ),
        MatrixRow(
            "revokeTokens",
            .post,
            "/v1/orgs/acme/os/prod/token-revocations",
            json: ["subject": "target@acme.test"],
            may: .role(.admin, org: "acme"),
            200
        ),
    ]
}
