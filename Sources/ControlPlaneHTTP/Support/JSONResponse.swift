import Foundation
import HTTPTypes
import Hummingbird
import NIOFoundationCompat

/// A JSON body with an explicit status: `ResponseEncodable` always answers 200.
struct JSONResponse: ResponseGenerator {
    var status: HTTPResponse.Status
    var data: Data
    var headers: HTTPFields

    init(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        self.data = try encoder.encode(value)
        self.status = status
        self.headers = headers
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(data: data)))
    }
}

extension HTTPFields {
    /// On every response that carries a secret (shown once): no cache may keep it.
    static let noStore: HTTPFields = [.cacheControl: "no-store", HTTPField.Name("Pragma")!: "no-cache"]
}
