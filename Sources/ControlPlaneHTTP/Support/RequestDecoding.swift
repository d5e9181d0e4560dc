import Foundation
import HTTPTypes
import Hummingbird

extension Request {
    /// Decodes a JSON body: 415 for another content type, 413 over the context's limit, 400 for bad JSON.
    func decodeJSON<T: Decodable>(_ type: T.Type, context: APIRequestContext, emptyAllowed: Bool = false) async throws -> T {
        var request = self
        let buffer = try await request.collectBodyWithinLimit(context)
        if buffer.readableBytes == 0 && emptyAllowed {
            return try JSONDecoder().decode(T.self, from: Data("{}".utf8))
        }
        let contentType = headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "Content-Type must be application/json")
        }
        return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
    }
}

extension Request {
    /// Collects the body (so it can be read again) up to the context's limit; 413 in the API's
    /// error shape beyond it.
    mutating func collectBodyWithinLimit(_ context: APIRequestContext) async throws -> ByteBuffer {
        do {
            return try await collectBody(upTo: context.maxUploadSize)
        } catch {
            // collectBody only fails for a body over the limit (NIO's too-many-bytes error).
            throw APIError(.contentTooLarge, code: "too_large", message: "request body exceeds 1 MiB")
        }
    }
}
