public import Foundation

/// One probed request: a credential, a request, and what Agno answered (shared by the verifier's
/// and the gateway's conformance tests).
public struct ConformanceRow: Sendable, CustomStringConvertible {
    public enum Credential: Sendable {
        case none
        case header(String)
        case cookie(String)
    }

    public let label: String
    public let credential: Credential
    public let method: String
    public let path: String
    public let body: String?
    public let status: Int
    public let detail: String?
    public let ids: [String]?
    public let check: (@Sendable ([String: Any]) -> Bool)?

    public init(
        _ label: String,
        _ credential: Credential,
        _ method: String,
        _ path: String,
        body: String? = nil,
        _ status: Int,
        detail: String? = nil,
        ids: [String]? = nil,
        check: (@Sendable ([String: Any]) -> Bool)? = nil
    ) {
        self.label = label
        self.credential = credential
        self.method = method
        self.path = path
        self.body = body
        self.status = status
        self.detail = detail
        self.ids = ids
        self.check = check
    }

    public var description: String { "\(label): \(method) \(path) → \(status)" }

    /// How an answer differs from the row (its status, `detail`, listed ids and check), one line
    /// each; empty when it matches. The three conformance tests judge every answer with it.
    public func mismatches(status got: Int, body: Data) -> [String] {
        let json = try? JSONSerialization.jsonObject(with: body)
        var found: [String] = []
        if got != status { found.append("status \(got), expected \(status)") }
        if let detail, (json as? [String: Any])?["detail"] as? String != detail { found.append("detail, expected \(detail)") }
        if let ids {
            let listed = (json as? [[String: Any]])?.compactMap { $0["id"] as? String }
            if listed != ids { found.append("ids \(listed ?? []), expected \(ids)") }
        }
        if let check, !check(json as? [String: Any] ?? [:]) { found.append("the row's check failed") }
        if !found.isEmpty { found.append("body: \(String(decoding: body, as: UTF8.self).prefix(300))") }
        return found
    }
}

extension ConformanceRow.Credential {
    public static func bearer(_ token: String) -> Self { .header("Bearer \(token)") }
}
