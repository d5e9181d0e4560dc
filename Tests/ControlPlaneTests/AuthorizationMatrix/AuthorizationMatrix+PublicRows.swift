import HTTPTypes

/// Operations with `security: []`: whoever calls, the answer is the same; for the sign-in kind
/// the body decides (a right password, a live challenge, an unspent code, a client secret).
extension AuthorizationMatrix {
    static let publicRows: [MatrixRow] = [
        MatrixRow("getHealth", .get, "/health", may: .everyone, 200),
        MatrixRow("getReadiness", .get, "/ready", may: .everyone, 200),
        MatrixRow("getOpenAPIJSON", .get, "/openapi.json", may: .everyone, 200),
        MatrixRow("getOpenAPIYAML", .get, "/openapi.yaml", may: .everyone, 200),
        MatrixRow("getMetrics", .get, "/metrics", may: .everyone, 200),
        MatrixRow("getConsole", .get, "/console", may: .everyone, 200),
        MatrixRow("getConsoleInvitePage", .get, "/console/invite", may: .everyone, 200),
        MatrixRow("getConsoleResetPage", .get, "/console/reset", may: .everyone, 200),
        MatrixRow("getConsoleSetupPage", .get, "/console/setup", may: .everyone, 200),
        MatrixRow("getRoot", .get, "/", may: .everyone, 302),
        MatrixRow("getSetup", .get, "/v1/setup", may: .everyone, 200),
        MatrixRow("getScopeCatalog", .get, "/v1/scope-catalog", may: .everyone, 200),
        // A code nobody was given: everyone gets the same refusal, and nothing is spent.
        MatrixRow(
            "lookUpInvitation",
            .post,
            "/v1/invitations/lookup",
            json: ["code": "cpi_unknown"],
            may: .everyone,
            400,
            words: "public (the invitation code)"
        ),
        // The fixture has organisations: setup is over for everyone, whatever the code.
        MatrixRow(
            "completeSetup",
            .post,
            "/v1/setup",
            json: [
                "code": "cpf_0", "organization": ["slug": "late", "name": "Late"], "email": "late@acme.test", "name": "Late",
                "password": "correct horse battery staple",
            ],
            may: .everyone,
            409,
            words: "public (the setup code; only while no organisation exists)"
        ),
        MatrixRow("getConsoleAsset", .get, "/console/assets/app.js", may: .everyone, 200),
        MatrixRow("getPublicKey", .get, "/v1/orgs/acme/os/prod/public-key", may: .everyone, 200),
        MatrixRow("getJWKS", .get, "/v1/orgs/acme/os/prod/jwks.json", may: .everyone, 200),
        MatrixRow("getStatusList", .get, "/v1/orgs/acme/os/prod/status-list", may: .everyone, 200),
        MatrixRow("getStatusListJWKS", .get, "/v1/orgs/acme/os/prod/status-list/jwks.json", may: .everyone, 200),
        MatrixRow(
            "signIn",
            .post,
            "/v1/auth/login",
            json: ["email": "target@acme.test", "password": "<password>"],
            may: .everyone,
            201,
            words: "public (the password)"
        ),
        MatrixRow(
            "completeSignIn",
            .post,
            "/v1/auth/login/mfa",
            json: ["mfa_token": "<mfa-token>", "code": "<recovery-code>"],
            may: .everyone,
            201,
            words: "public (the challenge)"
        ),
        MatrixRow(
            "redeemPasswordReset",
            .post,
            "/v1/auth/password-reset",
            json: ["code": "<reset-code>", "password": "<new-password>"],
            may: .everyone,
            204,
            words: "public (the code)"
        ),
        MatrixRow(
            "issueClientCredentialsToken",
            .post,
            "/oauth/token",
            form: "grant_type=client_credentials&audience=acme/prod&client_id=<client-id>&client_secret=<client-secret>",
            may: .everyone,
            200,
            words: "public (the client secret)"
        ),
    ]
}
