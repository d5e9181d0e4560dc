import ControlPlane
import Foundation
import HTTPTypes
import Hummingbird

/// `POST /oauth/token`: the client-credentials grant for service accounts (RFC 6749 §4.4),
/// errors in the §5.2 JSON form, never cached.
struct OAuthRoutes {
    let tokens: TokenIssuer
    let metrics: ControlPlaneMetrics

    struct TokenBody: Encodable {
        var access_token: String
        var token_type = "Bearer"
        var expires_in: Int
        var scope: String
    }

    func register(on router: Router<APIRequestContext>) {
        router.post("/oauth/token") { request, context in
            do {
                let form = try await Self.form(request, context: context)
                guard let grant = form["grant_type"] else { throw OAuthError(.invalidRequest, "grant_type is required") }
                guard grant == "client_credentials" else {
                    throw OAuthError(.unsupportedGrantType, "only grant_type=client_credentials is supported")
                }
                let basic = try Self.basicCredentials(request.headers[.authorization])
                let formCredentials = form["client_id"] != nil || form["client_secret"] != nil
                if basic != nil && formCredentials { throw OAuthError(.invalidRequest, "use one client authentication method, not two") }
                guard let (clientID, secret) = basic ?? form["client_id"].flatMap({ id in form["client_secret"].map { (id, $0) } }) else {
                    throw OAuthError(.invalidClient, "client authentication failed")
                }
                let audiences = [form["audience"], form["resource"]].compactMap { $0 }
                guard let audience = audiences.first else {
                    throw OAuthError(.invalidRequest, "audience (or resource) = <org>/<os id> is required")
                }
                guard audiences.count == 1 || audiences[0] == audiences[1] else {
                    throw OAuthError(.invalidRequest, "audience and resource disagree")
                }
                let requested = form["scope"].map { $0.split(separator: " ").map(String.init) }
                let token = try await tokens.clientCredentials(
                    clientID: clientID,
                    secret: secret,
                    audience: audience,
                    requested: requested
                )
                metrics.tokenIssued(algorithm: token.algorithm, grant: "client_credentials")
                return try JSONResponse(
                    TokenBody(access_token: token.accessToken, expires_in: token.expiresIn, scope: token.scopes.joined(separator: " ")),
                    headers: .noStore
                ).response(from: request, context: context)
            } catch let error as OAuthError {
                return try error.response(from: request, context: context)
            } catch let error as ControlPlaneError {
                return try OAuthError(error).response(from: request, context: context)
            }
        }
    }

    /// The form parameters; a repeated parameter is an error (RFC 6749 §3.2).
    static func form(_ request: Request, context: APIRequestContext) async throws -> [String: String] {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
            throw OAuthError(.invalidRequest, "Content-Type must be application/x-www-form-urlencoded")
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: 64 * 1024)
        } catch {
            throw OAuthError(.invalidRequest, "request body exceeds 64 KiB")
        }
        var form: [String: String] = [:]
        for pair in String(decoding: buffer.readableBytesView, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else {
                throw OAuthError(.invalidRequest, "malformed form encoding")
            }
            guard form[key] == nil else { throw OAuthError(.invalidRequest, "parameter '\(key.prefix(40))' given more than once") }
            form[key] = value
        }
        return form
    }

    /// `application/x-www-form-urlencoded` decoding of one name or value: `+` is a space, `%XX`
    /// a byte; `nil` for a broken escape or bytes that are not UTF-8 (as Foundation's
    /// `removingPercentEncoding`, which this replaces on the token hot path).
    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// `Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1).
    static func basicCredentials(_ header: String?) throws -> (String, String)? {
        guard let header, header.count > 6, header.prefix(6).lowercased() == "basic " else { return nil }
        guard let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":"),
            let id = decode(text[..<colon]), let secret = decode(text[text.index(after: colon)...])
        else {
            throw OAuthError(.invalidClient, "malformed Basic credentials")
        }
        return (id, secret)
    }
}
