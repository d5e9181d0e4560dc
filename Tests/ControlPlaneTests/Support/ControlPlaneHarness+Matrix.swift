import Foundation
import HTTPTypes
import Testing

/// Set-up steps of the authorization matrix's fixture, each required to succeed: a fixture that
/// is not what the rows assume would make every later answer meaningless.
extension ControlPlaneHarness {
    /// Sends a set-up request (as the superuser unless `key`), requires a 2xx, and answers its JSON.
    @discardableResult
    func created(_ method: HTTPRequest.Method, _ path: String, _ json: Any? = nil, key: String? = nil) async throws -> [String: Any] {
        let reply = try await send(method, path, json: json, key: key.map { .some($0) } ?? .none)
        try #require((200...299).contains(reply.status), "set-up \(method) \(path): \(reply.status) \(reply.text)")
        return reply.json
    }

    /// Invites `email` to `org` without redeeming: the account's id, the invitation's id and its code.
    func invite(_ email: String, role: String = "member", org: String = "acme") async throws -> (
        user: String, invitation: String, code: String
    ) {
        let name = email.split(separator: "@")[0].capitalized
        let reply = try await created(.post, "/v1/orgs/\(org)/members", ["email": email, "name": name, "role": role])
        let invitation = reply["invitation"] as? [String: Any] ?? [:]
        return (
            (reply["user"] as? [String: Any])?["id"] as? String ?? "",
            invitation["id"] as? String ?? "",
            invitation["code"] as? String ?? ""
        )
    }

    /// The ids of the sessions `GET /v1/me/sessions` lists for `key` (only those whose `current`
    /// is `current`, when given).
    func sessionIDs(key: String, current: Bool? = nil) async throws -> [String] {
        let sessions = try await created(.get, "/v1/me/sessions", key: key)["sessions"] as? [[String: Any]] ?? []
        return sessions.filter { current == nil || ($0["current"] as? Bool ?? false) == current }.compactMap { $0["id"] as? String }
    }
}
