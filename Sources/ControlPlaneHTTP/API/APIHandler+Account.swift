import ControlPlane
import Foundation

/// The caller's own account (`/v1/me…`) and the password-reset codes a superuser or an
/// organisation's admin issues (shown once, `no-store`).
extension APIHandler {
    func getProfile(_ input: Operations.GetProfile.Input) async throws -> Operations.GetProfile.Output {
        let profile = try await accounts.profile(try RequestScope.current.requireCaller())
        return .ok(.init(body: .json(.init(profile))))
    }

    func changePassword(_ input: Operations.ChangePassword.Input) async throws -> Operations.ChangePassword.Output {
        guard case .json(let body) = input.body else { throw APIError.badRequest("a JSON body is required") }
        try await accounts.changePassword(try RequestScope.current.requireCaller(), current: body.currentPassword, new: body.newPassword)
        return .noContent(.init())
    }

    func listSessions(_ input: Operations.ListSessions.Input) async throws -> Operations.ListSessions.Output {
        let caller = try RequestScope.current.requireCaller()
        let page = try await accounts.sessions(caller, page: try Self.page(input.query.limit, input.query.cursor))
        return .ok(.init(body: .json(.init(nextCursor: page.next, sessions: page.items.map(Components.Schemas.SessionInfo.init)))))
    }

    func endSession(_ input: Operations.EndSession.Input) async throws -> Operations.EndSession.Output {
        try await accounts.revokeSession(try RequestScope.current.requireCaller(), id: try parseUUID(input.path.id, "id"))
        return .noContent(.init())
    }

    /// Public: whoever holds a reset code has no working credential.
    func redeemPasswordReset(_ input: Operations.RedeemPasswordReset.Input) async throws -> Operations.RedeemPasswordReset.Output {
        guard case .json(let body) = input.body else { throw APIError.badRequest("a JSON body is required") }
        try await accounts.redeemReset(code: body.code, password: body.password)
        return .noContent(.init())
    }

    func issuePasswordReset(_ input: Operations.IssuePasswordReset.Input) async throws -> Operations.IssuePasswordReset.Output {
        let code = try await accounts.issueReset(by: try RequestScope.current.requireCaller(), user: input.path.user)
        return .created(.init(headers: .init(cacheControl: "no-store", pragma: "no-cache"), body: .json(.init(code))))
    }

    func issueMemberPasswordReset(
        _ input: Operations.IssueMemberPasswordReset.Input
    ) async throws -> Operations.IssueMemberPasswordReset.Output {
        let access = try await access(input.path.org)
        let code = try await accounts.issueReset(access, member: input.path.user)
        return .created(.init(headers: .init(cacheControl: "no-store", pragma: "no-cache"), body: .json(.init(code))))
    }
}

extension Components.Schemas.Profile {
    init(_ profile: Profile) {
        self.init(
            memberships: profile.memberships.map {
                .init(disabled: $0.disabled, organization: .init($0.org), role: $0.role.rawValue)
            },
            // `enabled` is the same as `totp` (the first shape of `/v1/me`; kept for its clients).
            mfa: .init(enabled: profile.mfa.totp, recoveryCodesLeft: profile.mfa.recoveryCodesLeft, totp: profile.mfa.totp),
            user: .init(profile.user)
        )
    }
}

extension Components.Schemas.User {
    init(_ user: User) {
        self.init(email: user.email, id: user.id.uuidString.lowercased(), name: user.name)
    }
}

extension Components.Schemas.SessionInfo {
    init(_ session: SessionInfo) {
        self.init(
            createdAt: session.createdAt,
            current: session.current,
            expiresAt: session.expiresAt,
            id: session.id.uuidString.lowercased()
        )
    }
}

extension Components.Schemas.OneTimeCode {
    init(_ code: OneTimeCode) {
        self.init(code: code.code, expiresAt: code.expiresAt, id: code.id.uuidString.lowercased(), url: code.url)
    }
}
