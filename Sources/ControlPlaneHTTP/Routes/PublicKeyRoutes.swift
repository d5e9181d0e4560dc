import AgentOSAuth
import ControlPlane
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// Unauthenticated, cacheable public documents: the active key as PEM, the JWKS of every
/// published key, the OS's Token Status List and the JWKS of the list's own key.
struct PublicKeyRoutes {
    let signingKeys: SigningKeys
    let jwksFetches: JWKSFetchRecorder
    let statusLists: StatusLists
    let jwksMaxAge: TimeInterval
    let metrics: ControlPlaneMetrics

    func register(on router: Router<APIRequestContext>) {
        router.get("/v1/orgs/{org}/os/{os}/public-key") { request, context in
            let (org, os) = (try context.parameters.require("org"), try context.parameters.require("os"))
            guard let active = try await signingKeys.published(org: org, os: os).first(where: { $0.state == .active }) else {
                throw SigningKeys.unpublished(org: org, os: os)
            }
            return cacheable(Data(active.publicKeyPEM.utf8), contentType: "application/x-pem-file", document: "pem", request: request)
        }
        router.get("/v1/orgs/{org}/os/{os}/jwks.json") { request, context in
            let osID = try context.parameters.require("os")
            let (os, keys) = try await signingKeys.publishedSet(org: try context.parameters.require("org"), os: osID)
            // An OS with nothing published answers an empty set: a verifier must read it as "no key
            // is valid", not as an outage (unknown organisations and OSes stay 404).
            let data = try SigningKeys.jwksDocument(keys)
            // A verifier names its OS (a 304 too: it holds this same set); browsers and curl do not.
            if let named = HTTPField.Name(DocumentRequest.osIDHeader), request.headers[named] == osID {
                await jwksFetches.record(os, kids: keys.map(\.kid))
            }
            return cacheable(data, contentType: "application/json", document: "jwks", request: request)
        }
        router.get("/v1/orgs/{org}/os/{os}/status-list") { request, context in
            let document = try await statusLists.document(
                org: try context.parameters.require("org"),
                os: try context.parameters.require("os")
            )
            return cacheable(
                Data(document.token.utf8),
                contentType: "application/statuslist+jwt",
                document: "status_list",
                request: request,
                maxAge: document.ttl,
                etag: document.etag
            )
        }
        registerStatusListKeys(on: router)
    }

    /// The status list's key set, apart from the access-token JWKS so no verifier of access
    /// tokens ever holds the key that signs lists.
    func registerStatusListKeys(on router: Router<APIRequestContext>) {
        router.get("/v1/orgs/{org}/os/{os}/status-list/jwks.json") { request, context in
            let keys = try await statusLists.keySet(org: try context.parameters.require("org"), os: try context.parameters.require("os"))
            let data = try JSONSerialization.data(withJSONObject: ["keys": keys], options: [.sortedKeys, .withoutEscapingSlashes])
            return cacheable(data, contentType: "application/jwk-set+json", document: "status_list_jwks", request: request)
        }
    }

    private func cacheable(
        _ data: Data,
        contentType: String,
        document: String,
        request: Request,
        maxAge: Int? = nil,
        etag: String? = nil
    ) -> Response {
        let etag = etag ?? "\"" + SHA256.hash(data: data).prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
        var headers: HTTPFields = [
            .cacheControl: "public, max-age=\(maxAge ?? Int(jwksMaxAge))",
            .eTag: etag,
        ]
        if let match = request.headers[.ifNoneMatch],
            match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag || $0 == "*" })
        {
            metrics.publicKeyServed(document, notModified: true)
            return Response(status: .notModified, headers: headers)
        }
        metrics.publicKeyServed(document, notModified: false)
        headers[.contentType] = contentType
        var buffer = ByteBuffer()
        buffer.writeBytes(data)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
    }
}
