import ControlPlane
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// Unauthenticated, cacheable public keys: the active key as PEM, and the JWKS of every published key.
struct PublicKeyRoutes {
    let signingKeys: SigningKeys
    let jwksMaxAge: TimeInterval

    func register(on router: Router<APIRequestContext>) {
        router.get("/v1/orgs/{org}/os/{os}/public-key") { request, context in
            let (org, os) = (try context.parameters.require("org"), try context.parameters.require("os"))
            guard let active = try await signingKeys.published(org: org, os: os).first(where: { $0.state == .active }) else {
                throw SigningKeys.unpublished(org: org, os: os)
            }
            return cacheable(Data(active.publicKeyPEM.utf8), contentType: "application/x-pem-file", request: request)
        }
        router.get("/v1/orgs/{org}/os/{os}/jwks.json") { request, context in
            let (org, os) = (try context.parameters.require("org"), try context.parameters.require("os"))
            let keys = try await signingKeys.published(org: org, os: os)
            guard !keys.isEmpty else { throw SigningKeys.unpublished(org: org, os: os) }
            let data = try JSONSerialization.data(
                withJSONObject: ["keys": keys.map(\.jwk)],
                options: [.sortedKeys, .withoutEscapingSlashes]
            )
            return cacheable(data, contentType: "application/json", request: request)
        }
    }

    private func cacheable(_ data: Data, contentType: String, request: Request) -> Response {
        let etag = "\"" + SHA256.hash(data: data).prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
        var headers: HTTPFields = [
            .cacheControl: "public, max-age=\(Int(jwksMaxAge))",
            .eTag: etag,
        ]
        if let match = request.headers[.ifNoneMatch],
            match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag || $0 == "*" })
        {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = contentType
        var buffer = ByteBuffer()
        buffer.writeBytes(data)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
    }
}
