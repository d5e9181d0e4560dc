import ControlPlane

extension APIHandler {
    /// The page a list request asks for: `limit` as the client wrote it (a 400 naming the range
    /// for anything but an integer 1-500) and `cursor`.
    static func page(_ limit: WireText?, _ cursor: String?) throws -> PageRequest {
        guard let text = limit?.text else { return try PageRequest(cursor: cursor) }
        guard let value = Int(text) else { throw APIError.badRequest("limit must be 1-\(PageRequest.maxLimit)") }
        return try PageRequest(limit: value, cursor: cursor)
    }
}
