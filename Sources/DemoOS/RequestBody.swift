import Foundation
import HTTPTypes
import Hummingbird

/// Reads `message`, `session_id`, `user_id` from a form or JSON body, as Agno's run endpoints accept both.
enum RequestBody {
    static func fields(_ request: Request) async throws -> [String: String] {
        var request = request
        let buffer = try await request.collectBody(upTo: 1 << 20)
        let data = Data(buffer.readableBytesView)
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        if contentType.hasPrefix("application/json") {
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw HTTPError(.badRequest, message: "body must be a JSON object")
            }
            return object.compactMapValues { $0 as? String }
        }
        let text = String(decoding: data, as: UTF8.self)
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { part in
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            if let key = parts.first { fields[key] = parts.count > 1 ? parts[1] : "" }
        }
        return fields
    }
}
