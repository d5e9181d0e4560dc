import Foundation

/// One probed request: a credential, a request, and what Agno answered.
struct ConformanceRow: Sendable, CustomStringConvertible {
    enum Credential: Sendable {
        case none
        case header(String)
        case cookie(String)
    }

    let label: String
    let credential: Credential
    let method: String
    let path: String
    let body: String?
    let status: Int
    let detail: String?
    let ids: [String]?
    let check: (@Sendable ([String: Any]) -> Bool)?

    init(
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

    var description: String { "\(label): \(method) \(path) → \(status)" }
}

extension ConformanceRow.Credential {
    static func bearer(_ token: String) -> Self { .header("Bearer \(token)") }
}
