import HTTPTypes

/// Last: rows that remove things or change the caller itself. Each removes a throwaway object of
/// the fixture; the organisation goes second to last and the caller's own session last.
extension AuthorizationMatrix {
    static let destructiveRows: [MatrixRow] = [
        MatrixRow("deleteGrant", .delete, "/v1/orgs/acme/os/prod/grants/<grant>", may: .role(.admin, org: "acme"), 204),
        MatrixRow("deleteRoleBinding", .delete, "/v1/orgs/acme/role-bindings/<binding>", may: .role(.admin, org: "acme"), 204),
        MatrixRow("deleteRole", .delete, "/v1/orgs/acme/roles/disposable", may: .role(.admin, org: "acme"), 204),
        MatrixRow(
            "revokeServiceAccount",
            .delete,
            "/v1/orgs/acme/service-accounts/<retired-service-account>",
            may: .role(.admin, org: "acme"),
            204
        ),
        MatrixRow("removeMember", .delete, "/v1/orgs/acme/members/leaver@acme.test", may: .role(.admin, org: "acme"), 204),
        MatrixRow(
            "removeMember",
            .delete,
            "/v1/orgs/acme/members/owner3@acme.test",
            variant: "an owner",
            may: .role(.owner, org: "acme"),
            204
        ),
        MatrixRow("deleteOS", .delete, "/v1/orgs/acme/os/doomed", may: .role(.admin, org: "acme"), 204),
        // Ends the caller's other sessions (the spare one is gone already).
        MatrixRow(
            "changePassword",
            .post,
            "/v1/me/password",
            json: ["current_password": "<password>", "new_password": "<new-password>"],
            may: .ownAccount,
            204
        ),
        // The invited account's own code (its invitation to `other`, so it stays a mere invitee
        // of acme for the rows after): signed in as that account 200; another user's credential
        // 403 and the code stays usable; a credential that is no user's (a service account, the
        // superuser key) 400, as for /v1/me; with no credential and no name or password, 400
        // (docs/access.md, member lifecycle).
        MatrixRow(
            "acceptInvitation",
            .post,
            "/v1/invitations/accept",
            variant: "signed in",
            json: ["code": "<invited-code>"],
            may: .anyCredential,
            403,
            words: "public; signed in: the invited account",
            except: [.anonymous: 400, .invited: 200, .serviceAccount: 400, .broker: 400, .superuser: 400]
        ),
        // A new account's redemption: without a credential 201 (signed in); a name and password
        // sent with a credential are a malformed request, 400 (an existing account keeps its
        // password; docs/access.md).
        MatrixRow(
            "acceptInvitation",
            .post,
            "/v1/invitations/accept",
            variant: "new account",
            json: ["code": "<newcomer-code>", "name": "Newcomer", "password": "<password>"],
            may: .anyCredential,
            400,
            words: "public (a new account, no credential)",
            except: [.anonymous: 201]
        ),
        MatrixRow("deleteOrganization", .delete, "/v1/orgs/acme", may: .role(.owner, org: "acme"), 204),
        MatrixRow("signOut", .post, "/v1/auth/logout", may: .ownSession, 204),
    ]
}
