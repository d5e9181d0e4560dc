import HTTPTypes

/// The caller's own account (`/v1/me`, API keys, sessions, TOTP) and the operations of no
/// organisation. "Own" objects are the caller's spare ones (a second session, a second API key),
/// never the credential the walk is using.
extension AuthorizationMatrix {
    static let accountRows: [MatrixRow] = [
        MatrixRow("getProfile", .get, "/v1/me", may: .ownAccount, 200),
        MatrixRow("listOrganizations", .get, "/v1/orgs", may: .anyCredential, 200),
        MatrixRow("createOrganization", .post, "/v1/orgs", json: ["slug": "fresh", "name": "Fresh"], may: .userOrSuperuser, 201),
        MatrixRow("listAPIKeys", .get, "/v1/api-keys", may: .ownAccount, 200),
        MatrixRow("createAPIKey", .post, "/v1/api-keys", json: ["name": "matrix"], may: .ownAccount, 201),
        MatrixRow("revokeAPIKey", .delete, "/v1/api-keys/<own-api-key>", variant: "own", may: .ownAccount, 204),
        // Another user's key is a 404 to every user, as an unknown one.
        MatrixRow(
            "revokeAPIKey",
            .delete,
            "/v1/api-keys/<target-api-key>",
            variant: "another user's",
            may: .ownAccount,
            404,
            words: "own account (another user's: 404)"
        ),
        MatrixRow("listSessions", .get, "/v1/me/sessions", may: .ownAccount, 200),
        MatrixRow("endSession", .delete, "/v1/me/sessions/<own-session>", variant: "own", may: .ownAccount, 204),
        MatrixRow(
            "endSession",
            .delete,
            "/v1/me/sessions/<target-session>",
            variant: "another user's",
            may: .ownAccount,
            404,
            words: "own account (another user's: 404)"
        ),
        MatrixRow("startTOTPEnrolment", .post, "/v1/me/mfa/totp", may: .ownAccount, 201),
        // A wrong code for the enrolment the previous row started: the user's answer is 400, as
        // is a non-user's; what tells them apart is the message, which the walk does not judge.
        MatrixRow(
            "confirmTOTPEnrolment",
            .post,
            "/v1/me/mfa/totp/confirm",
            variant: "a wrong code",
            json: ["code": "000000"],
            may: .ownAccount,
            400
        ),
        // TOTP is not on for any caller: 409 for users.
        MatrixRow(
            "disableTOTP",
            .post,
            "/v1/me/mfa/totp/disable",
            variant: "TOTP not on",
            json: ["password": "<password>", "code": "000000"],
            may: .ownAccount,
            409
        ),
    ]

    static let superuserRows: [MatrixRow] = [
        MatrixRow("listSuperuserKeys", .get, "/v1/admin/keys", may: .superuser, 200),
        MatrixRow("createSuperuserKey", .post, "/v1/admin/keys", json: ["name": "matrix"], may: .superuser, 201),
        MatrixRow("revokeSuperuserKey", .delete, "/v1/admin/keys/<spare-superuser-key>", may: .superuser, 204),
        MatrixRow("listSystemAuditEvents", .get, "/v1/audit", may: .superuser, 200),
        MatrixRow("verifySystemAuditChain", .get, "/v1/audit/verify", may: .superuser, 200),
        MatrixRow("issuePasswordReset", .post, "/v1/users/target@acme.test/password-reset", may: .superuser, 201),
    ]
}
