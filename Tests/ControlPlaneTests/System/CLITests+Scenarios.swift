import AgentOSAuth

/// The CLI scenarios: what each command prints against a live server.
extension SystemTests.CLITests {
    /// Set-up every scenario starts from: an org, two OSes, two members, a custom role.
    static let base: [Step] = [
        Step(args: ["org", "create", "acme", "--name", "Acme Corp"], out: ["slug:", "acme", "Acme Corp"]),
        Step(args: ["os", "register", "prod", "--org", "acme", "--name", "Production"], out: ["authorization: yes", "RS256", "kid:"]),
        Step(
            args: ["os", "register", "other", "--no-authorization", "--verifier", "agentos-auth", "--json"],
            json: [("os.authorization", .bool(false)), ("os.verifier", .string("agentos-auth"))]
        ),
        Step(
            args: ["member", "add", "alice@example.com", "--name", "Alice", "--json"],
            json: [("user.email", .string("alice@example.com")), ("role", .string("member")), ("state", .string("invited"))],
            capture: [("invite", "invitation.code")]
        ),
        // Alice joins: a new account chooses its own password (nobody else can).
        Step(
            args: ["invitation", "accept", "{invite}", "--name", "Alice", "--password-stdin"],
            matches: #"cps_[A-Za-z0-9_-]+\n"#,
            stdin: password + "\n"
        ),
        Step(
            args: ["member", "add", "bob@example.com", "--role", "admin"],
            out: ["bob@example.com", "role:", "admin", "state:", "invited", "invitation code:", "cpi_", "/console/invite#cpi_"]
        ),
        Step(
            args: [
                "role", "create", "web-runner", "--scope", "agents:web-agent:run", "--scope", "agents:read", "--description",
                "Runs web-agent",
            ],
            out: ["web-runner", "agents:web-agent:run", "agents:read", "Runs web-agent"]
        ),
    ]

    /// Independent scenarios, each on its own control plane, so one failure does not hide the
    /// rest; within one, later steps use what earlier ones created.
    enum Scenario: String, CaseIterable, Sendable {
        case orgsAndOSes, keys, membersAndRoles, accessAndTokens, serviceAccounts, cleanupAndAudit

        var steps: [Step] {
            switch self {
            case .orgsAndOSes:
                [
                    Step(args: ["org", "list"], out: ["SLUG", "NAME", "acme", "Acme Corp"]),
                    Step(args: ["org", "list", "--json"], json: [("organizations.0.slug", .string("acme"))]),
                    Step(args: ["os", "register", "prod"], exit: 1, err: ["(HTTP 409)"]),
                    Step(args: ["os", "list"], out: ["ID", "AUTHORIZATION", "prod", "Production", "other"]),
                    Step(args: ["os", "show", "prod"], out: ["name:", "Production", "authorization: yes"]),
                    Step(args: ["os", "show", "nope"], exit: 1, err: ["no OS 'nope'", "(HTTP 404)"]),
                    Step(
                        args: ["os", "public-key", "prod"],
                        matches: #"-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n"#
                    ),
                    Step(args: ["os", "jwks", "prod"], out: ["KID", "RS256", "sig"]),
                    Step(
                        args: ["os", "env", "prod"],
                        err: ["* Start the AgentOS with this environment", "A PEM holds one key"],
                        matches:
                            #"AGENT_OS_ID="prod"\nJWT_VERIFICATION_KEY="-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----"\nCORS_ORIGIN_LIST='\["https://cp\.test"\]'\n"#
                    ),
                    Step(args: ["os", "env", "nope"], exit: 1, err: ["(HTTP 404)"]),
                    Step(args: ["os", "env", "other"], exit: 1, err: ["no active signing key", "(HTTP 409)"]),
                    Step(args: ["os", "enable-auth", "other", "--algorithm", "ES256"], out: ["authorization: yes", "ES256"]),
                ]
            case .keys:
                [
                    Step(
                        args: ["os", "jwks", "prod", "--json"],
                        json: [("keys.0.alg", .string("RS256"))],
                        capture: [("kid1", "keys.0.kid")]
                    ),
                    Step(args: ["keys", "list", "--os", "prod"], out: ["KID", "STATE", "{kid1}", "active"]),
                    Step(
                        args: ["keys", "rotate", "--os", "prod", "--pending", "--json"],
                        json: [("state", .string("pending"))],
                        capture: [("kid2", "kid")]
                    ),
                    Step(
                        args: ["keys", "activate", "--kid", "{kid2}", "--os", "prod"],
                        out: ["{kid2}", "state:", "active"],
                        err: ["warning: prod runs stock Agno: it refuses tokens of {kid2} unless it was restarted"]
                    ),
                    Step(
                        args: ["keys", "list", "--os", "prod", "--json"],
                        json: [("keys.0.state", .string("active")), ("keys.1.state", .string("retiring"))]
                    ),
                    // Staging is the default: the key is published, not signing, and the steps say how the OS gets it.
                    Step(
                        args: ["keys", "rotate", "--os", "prod"],
                        out: ["state:", "pending"],
                        err: ["runs stock Agno", "os env prod --form jwks-file", "then: controlplane keys activate --os prod --kid"]
                    ),
                    Step(args: ["keys", "revoke", "--kid", "{kid1}", "--os", "prod"], out: ["{kid1}", "revoked"]),
                    Step(args: ["keys", "revoke", "--kid", "-h-no-such-kid", "--os", "prod"], exit: 1, err: ["(HTTP 404)"]),
                    // Rotation on a schedule: a period on registration and by update, shown, ended.
                    Step(
                        args: [
                            "os", "register", "daily", "--algorithm", "ES256", "--verifier", "agentos-auth", "--rotation-period", "1d",
                            "--json",
                        ],
                        json: [("os.rotation_period", .number(86_400))]
                    ),
                    // A stock Agno OS takes no schedule; this project's verifier does.
                    Step(
                        args: ["os", "update", "prod", "--rotation-period", "90d"],
                        exit: 1,
                        err: ["reads its key once at start-up", "(HTTP 400)"]
                    ),
                    Step(args: ["os", "update", "prod", "--verifier", "agentos-auth"], out: ["verifier:", "agentos-auth"]),
                    Step(args: ["os", "update", "prod", "--rotation-period", "90d"], out: ["rotation:", "7776000"]),
                    Step(args: ["os", "update", "prod", "--rotation-period", "59"], exit: 1, err: ["rotation_period", "(HTTP 400)"]),
                    Step(args: ["os", "update", "prod", "--rotation-period", "soon"], exit: 2, err: ["'soon' is not a period"]),
                    Step(args: ["os", "update", "prod", "--no-rotation", "--json"], json: [("rotation_period", .null)]),
                    Step(args: ["os", "update", "prod"], exit: 2, err: ["nothing to change"]),
                ]
            case .membersAndRoles:
                [
                    Step(
                        args: ["member", "add", "carol@example.com", "--role", "emperor"],
                        exit: 1,
                        err: ["role must be owner, admin or member", "(HTTP 400)"]
                    ),
                    Step(args: ["member", "list"], out: ["EMAIL", "STATE", "alice@example.com", "bob@example.com", "admin", "invited"]),
                    Step(args: ["invitation", "create", "bob@example.com", "--json"], capture: [("inv", "invitation.id")]),
                    Step(args: ["invitation", "list"], out: ["EXPIRES", "bob@example.com", "{inv}", "pending"]),
                    Step(args: ["invitation", "revoke", "{inv}"], out: ["revoked invitation {inv}"]),
                    Step(args: ["invitation", "revoke", "{inv}"], exit: 1, err: ["(HTTP 404)"]),
                    Step(args: ["invitation", "create", "alice@example.com"], exit: 1, err: ["already joined", "(HTTP 409)"]),
                    Step(
                        args: ["invitation", "accept", "cpi_nope", "--name", "X", "--password-stdin"],
                        exit: 1,
                        err: ["invalid", "(HTTP 400)"],
                        stdin: "a long password"
                    ),
                    Step(args: ["member", "update", "bob@example.com", "--role", "member"], out: ["role:", "member"], notOut: ["admin"]),
                    Step(args: ["member", "update", "bob@example.com", "--disable", "--json"], json: [("disabled", .bool(true))]),
                    Step(args: ["role", "list"], out: ["SLUG", "os-admin", "os-member", "os-viewer"]),
                    Step(args: ["role", "show", "os-admin"], out: ["agent_os:admin", "builtin:"]),
                    Step(args: ["role", "create", "broken", "--scope", "agents::run"], exit: 1, err: ["agents::run", "(HTTP 400)"]),
                    Step(
                        args: ["role", "set-scopes", "web-runner", "--scope", "agents:web-agent:read"],
                        out: ["agents:web-agent:read"],
                        notOut: ["agents:read\n"]
                    ),
                    Step(args: ["role", "set-scopes", "os-admin", "--scope", "agents:read"], exit: 1, err: ["(HTTP 409)"]),
                ]
            case .accessAndTokens:
                [
                    Step(
                        args: ["bind", "alice@example.com", "--role", "os-viewer", "--os", "prod"],
                        out: ["alice@example.com", "os-viewer", "os:", "prod"]
                    ),
                    Step(
                        args: ["bind", "bob@example.com", "--role", "web-runner", "--json"],
                        notOut: ["\"os\""],
                        json: [("role", .string("web-runner"))],
                        capture: [("binding", "id")]
                    ),
                    Step(args: ["unbind", "{binding}"], out: ["removed binding {binding}"]),
                    Step(args: ["unbind", "{binding}"], exit: 1, err: ["(HTTP 404)"]),
                    Step(
                        args: ["grant", "alice@example.com", "agents:web-agent:run", "--os", "prod"],
                        out: ["scope:", "agents:web-agent:run"]
                    ),
                    Step(
                        args: ["access", "alice@example.com", "--os", "prod"],
                        out: ["SCOPE", "agents:web-agent:run", "grant", "role os-viewer (OS prod)"]
                    ),
                    Step(
                        args: [
                            "explain", "--os", "prod", "--subject", "alice@example.com", "--method", "POST", "--path",
                            "/agents/finance-agent/runs",
                        ],
                        out: ["no (403)", "Insufficient permissions. Required scope(s): agents:run"]
                    ),
                    Step(
                        args: [
                            "explain", "--os", "prod", "--subject", "alice@example.com", "--method", "POST", "--path",
                            "/agents/web-agent/runs",
                        ],
                        out: ["yes (200)", "agents:web-agent:run ← grant"]
                    ),
                    Step(
                        args: ["token", "issue", "--os", "prod", "--subject", "alice@example.com"],
                        matches: jwt,
                        capture: [("token", "")]
                    ),
                    Step(args: ["explain", "--os", "prod", "--access-token", "{token}", "--path", "/agents"], out: ["yes (200)"]),
                    Step(
                        args: [
                            "token", "issue", "--os", "prod", "--subject", "alice@example.com", "--scope", "agents:read", "--ttl", "60",
                            "--json",
                        ],
                        json: [("scopes.0", .string("agents:read")), ("expires_in", .number(60)), ("token_type", .string("Bearer"))],
                        capture: [("jti", "jti")]
                    ),
                    Step(args: ["token", "revoke", "--os", "prod", "--jti", "{jti}"], out: ["revoked 1 token(s)"]),
                    Step(args: ["token", "revoke", "--os", "prod", "--access-token", "-"], out: ["revoked 1 token(s)"], stdin: "{token}"),
                    Step(
                        args: ["token", "revoke", "--os", "prod"],
                        exit: 2,
                        err: ["give exactly one of --jti, --access-token and --subject"]
                    ),
                    Step(
                        args: ["token", "issue", "--os", "prod", "--subject", "alice@example.com", "--scope", "agents:write"],
                        exit: 1,
                        err: ["(HTTP 403)"]
                    ),
                    Step(
                        args: ["login", "--email", "alice@example.com", "--password-stdin"],
                        matches: #"cps_[A-Za-z0-9_-]+\n"#,
                        capture: [("session", "")],
                        stdin: password
                    ),
                    Step(
                        args: ["login", "--email", "alice@example.com", "--password-stdin"],
                        exit: 1,
                        err: ["invalid email or password", "(HTTP 401)"],
                        stdin: "wrong"
                    ),
                    Step(args: ["org", "list", "--token", "{session}"], out: ["acme"]),
                    Step(args: ["token", "issue", "--os", "prod", "--token", "{session}"], matches: jwt),
                    Step(args: ["member", "list", "--token", "{session}"], exit: 1, err: ["(HTTP 403)"]),
                    Step(
                        args: ["password", "change", "--token", "{session}", "--password-stdin"],
                        out: ["password changed"],
                        stdin: password + "\nalice's second password\n"
                    ),
                    Step(
                        args: ["login", "--email", "alice@example.com", "--password-stdin"],
                        exit: 1,
                        err: ["(HTTP 401)"],
                        stdin: password
                    ),
                    Step(args: ["revoke-grant", "alice@example.com", "agents:web-agent:run", "--os", "prod"], out: ["revoked grant"]),
                    Step(args: ["access", "alice@example.com", "--os", "prod"], notOut: ["agents:web-agent:run"]),
                    Step(
                        args: ["grant", "alice@example.com", "agents:web-agent:run", "--os", "prod", "--json"],
                        capture: [("grant", "id")]
                    ),
                    Step(args: ["revoke-grant", "{grant}", "--os", "prod"], out: ["revoked grant {grant}"]),
                    Step(
                        args: ["revoke-grant", "alice@example.com", "agents:web-agent:run", "--os", "prod"],
                        exit: 1,
                        err: ["no grant of agents:web-agent:run"]
                    ),
                ]
            case .serviceAccounts:
                [
                    Step(
                        args: ["service-account", "create", "robot", "--json"],
                        json: [("token_broker", .bool(false))],
                        capture: [("svc", "id"), ("secret", "client_secret")]
                    ),
                    Step(args: ["bind", "svc:{svc}", "--role", "os-viewer", "--os", "prod"], out: ["svc:{svc}", "os-viewer"]),
                    Step(args: ["access", "svc:{svc}", "--os", "prod"], out: ["agents:read", "role os-viewer (OS prod)"]),
                    Step(args: ["token", "issue", "--os", "prod", "--token", "{secret}"], matches: jwt),
                    Step(args: ["service-account", "list"], out: ["CLIENT ID", "robot", "{svc}"], notOut: ["{secret}"]),
                    Step(args: ["service-account", "delete", "{svc}"], out: ["revoked service account {svc}"]),
                    Step(args: ["token", "issue", "--os", "prod", "--token", "{secret}"], exit: 1, err: ["(HTTP 401)"]),
                ]
            case .cleanupAndAudit:
                [
                    Step(args: ["bind", "alice@example.com", "--role", "os-viewer", "--os", "prod"], out: ["os-viewer"]),
                    Step(args: ["unbind", "alice@example.com", "--role", "os-viewer", "--os", "prod"], out: ["removed binding"]),
                    Step(
                        args: ["unbind", "alice@example.com", "--role", "os-viewer", "--os", "prod"],
                        exit: 1,
                        err: ["no binding of role os-viewer"]
                    ),
                    Step(args: ["role", "delete", "web-runner"], out: ["deleted role web-runner"]),
                    Step(args: ["member", "remove", "bob@example.com"], out: ["removed bob@example.com"]),
                    Step(args: ["os", "delete", "other"], out: ["deleted OS other"]),
                    Step(args: ["audit", "list", "--limit", "3"], out: ["SEQ", "ACTION", "os.deleted", "member.removed", "role.deleted"]),
                    Step(args: ["audit", "list", "--limit", "1", "--json"], json: [("events.0.action", .string("os.deleted"))]),
                    Step(args: ["audit", "verify"], out: ["audit chain verified"]),
                    Step(args: ["org", "list", "--token", "cpk_not-a-real-key"], exit: 1, err: ["(HTTP 401)"]),
                ]
            }
        }
    }

}
