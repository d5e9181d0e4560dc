import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// The request the upstream receives: same method, the raw target byte for byte, the client's
/// end-to-end headers (`Authorization` unchanged), the gateway's `X-Forwarded-*` and request id,
/// and the body streamed within the cap.
struct UpstreamRequest {
    /// Who asked, as the gateway saw it.
    struct Client {
        var address: String?
        var requestID: String
    }

    static func make(
        _ request: Request,
        target: String,
        upstream: URL,
        client: Client,
        trustForwarded: Bool,
        maxBodyBytes: Int,
        upload: RequestUpload
    ) throws(GatewayError) -> HTTPClientRequest {
        var outgoing = HTTPClientRequest(url: upstream.absoluteString + target)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        // `Connection: authorization` must not take away the credential the gate decided on.
        var listed = HopByHop.listed(in: request.headers)
        listed.remove("authorization")
        var forwardedFor: [String] = []
        var forwardedHost: String?
        var forwardedProto: String?
        for field in request.headers {
            if HopByHop.stops(field.name, listed: listed) { continue }
            switch field.name {
            case .hostField:
                // NIO moves the first Host into `authority`: a second one is two readings of the target.
                throw .duplicateHost
            case .xForwardedHost:
                if trustForwarded { forwardedHost = forwardedHost ?? field.value }
            case .xForwardedFor:
                if trustForwarded { forwardedFor.append(field.value) }
            case .xForwardedProto:
                if trustForwarded { forwardedProto = field.value }
            case .xRequestID:
                continue
            case .forwarded, .xRealIP:
                // The other spellings of "who asked": the client's own claim unless a proxy is trusted.
                if trustForwarded { outgoing.headers.add(name: field.name.rawName, value: field.value) }
            default:
                outgoing.headers.add(name: field.name.rawName, value: field.value)
            }
        }
        if let address = client.address { forwardedFor.append(address) }
        if !forwardedFor.isEmpty { outgoing.headers.add(name: "X-Forwarded-For", value: forwardedFor.joined(separator: ", ")) }
        if let host = forwardedHost ?? request.head.authority { outgoing.headers.add(name: "X-Forwarded-Host", value: host) }
        outgoing.headers.add(name: "X-Forwarded-Proto", value: forwardedProto ?? "http")
        outgoing.headers.add(name: "X-Request-ID", value: client.requestID)

        if let declared = request.headers[.contentLength] {
            guard let length = Int64(declared), length >= 0 else { throw .badLength }
            guard length <= maxBodyBytes else { throw .bodyTooLarge(limit: maxBodyBytes) }
            outgoing.body = .stream(CappedBody(base: request.body, limit: maxBodyBytes, upload: upload), length: .known(length))
        } else if let coding = request.headers[.transferEncoding] {
            // RFC 9112 §6.3: a request whose final coding is not chunked has no knowable length.
            guard coding.trimmingCharacters(in: .whitespaces).lowercased() == "chunked" else { throw .badTransferEncoding }
            outgoing.body = .stream(CappedBody(base: request.body, limit: maxBodyBytes, upload: upload), length: .unknown)
        }
        return outgoing
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let xForwardedHost = Self("X-Forwarded-Host")!
    static let xForwardedProto = Self("X-Forwarded-Proto")!
    static let xRequestID = Self("X-Request-ID")!
    static let hostField = Self("Host")!
    static let forwarded = Self("Forwarded")!
    static let xRealIP = Self("X-Real-IP")!
}
