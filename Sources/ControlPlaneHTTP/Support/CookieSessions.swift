import AgentOSAuth
import ControlPlane
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// The browser console's sign-in session, in cookies instead of a bearer header
/// (docs/console.md, "Session and CSRF"):
///
/// * `cp_session` — the `cps_` session token; `HttpOnly` (no script reads it), `SameSite=Strict`,
///   `Path=/`, `Secure` when the page is served over https, expiring with the session.
/// * `cp_csrf` — SHA-256 of the session token (base64url), readable by the console's script,
///   which echoes it in `X-CSRF-Token` on every mutating request. A page of another origin can
///   neither read it nor forge it without the session token (a signed double-submit token), and
///   the `Origin` of such a request must be the control plane's own.
///
/// A route that creates a session sets the cookies instead of answering the token when the
/// request says `X-Session-Delivery: cookie` ("deliver"); every other caller is unaffected.
/// A request with an `Authorization` header is a bearer request: cookies are not looked at.
struct CookieSessions: Sendable {
    static let sessionCookie = "cp_session"
    static let csrfCookie = "cp_csrf"
    static let deliveryHeader = HTTPField.Name("X-Session-Delivery")!
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    /// `scheme://host[:port]` of `CONTROL_PLANE_ISSUER` (the public URL), also accepted as `Origin`.
    let publicOrigin: String?

    init(issuer: String) {
        let url = URL(string: issuer)
        if let url, let scheme = url.scheme, let host = url.host {
            publicOrigin = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
        } else {
            publicOrigin = nil
        }
    }

    /// The value `X-CSRF-Token` must carry for a session: derived, so nothing is stored.
    static func csrfToken(for session: String) -> String {
        Base64URL.encode(SHA256.hash(data: Data(("agentos-console-csrf:" + session).utf8)))
    }

    /// Whether a session-creating request asked for cookies (and came from the control plane's own pages).
    func wantsCookie(_ request: Request) throws -> Bool {
        guard request.headers[Self.deliveryHeader]?.lowercased() == "cookie" else { return false }
        try checkOrigin(request)
        return true
    }

    /// The session token of a request authenticated by the cookie, nil when it has none. Mutating
    /// methods must carry the matching `X-CSRF-Token` and, when the browser sends one, our `Origin`.
    func credential(_ request: Request) throws -> String? {
        guard request.headers[.authorization] == nil, let token = request.cookies[Self.sessionCookie]?.value else { return nil }
        // Two session cookies: one was set by another page of this site (another port, a sibling
        // subdomain) at a narrower path, to swap the console into its account (cookie tossing).
        guard Self.count(Self.sessionCookie, in: request) == 1 else {
            throw APIError(
                .unauthorized,
                code: "unauthorized",
                message: "more than one session cookie was sent (another page on this site may have set one): sign in again",
                headers: clear(request, alsoAt: ["/v1"])
            )
        }
        guard token.hasPrefix("cps_") else {
            throw APIError(
                .unauthorized,
                code: "unauthorized",
                message: "the session cookie holds no session: sign in again",
                headers: clear(request)
            )
        }
        guard [.get, .head, .options].contains(request.method) else {
            try checkOrigin(request)
            let sent = request.headers[Self.csrfHeader] ?? ""
            guard AuthGate.constantTimeEquals(sent.utf8, Self.csrfToken(for: token).utf8) else {
                throw APIError(
                    .forbidden,
                    code: "csrf_failed",
                    message: "a request authenticated by the session cookie needs X-CSRF-Token (the cp_csrf cookie)"
                )
            }
            return token
        }
        return token
    }

    /// The answer of a route that created `session`: the token in the body (`body(token)`) for
    /// bearer callers; in cookie mode the cookies are set and the body gets `nil` instead.
    func deliver(
        _ session: Session,
        request: Request,
        status: HTTPResponse.Status,
        body: (String?) -> some Encodable
    ) throws -> JSONResponse {
        var headers = HTTPFields.noStore
        guard try wantsCookie(request) else { return try JSONResponse(body(session.token), status: status, headers: headers) }
        let secure = isSecure(request)
        let csrf = Self.csrfToken(for: session.token)
        headers.setCookie(Self.cookie(Self.sessionCookie, session.token, expires: session.expiresAt, secure: secure, httpOnly: true))
        headers.setCookie(Self.cookie(Self.csrfCookie, csrf, expires: session.expiresAt, secure: secure, httpOnly: false))
        return try JSONResponse(body(nil), status: status, headers: headers)
    }

    /// `Set-Cookie` headers that delete both cookies (sign-out, a dead session).
    func clear(_ request: Request, alsoAt paths: [String] = []) -> HTTPFields {
        let secure = isSecure(request)
        var headers = HTTPFields()
        headers.setCookie(Self.cookie(Self.sessionCookie, "", maxAge: 0, secure: secure, httpOnly: true))
        headers.setCookie(Self.cookie(Self.csrfCookie, "", maxAge: 0, secure: secure, httpOnly: false))
        for path in paths {
            for name in [Self.sessionCookie, Self.csrfCookie] {
                headers.setCookie(Cookie(name: name, value: "", maxAge: 0, path: path, secure: secure, httpOnly: false, sameSite: .strict))
            }
        }
        return headers
    }

    /// How many cookies called `name` the request's `Cookie` headers carry.
    static func count(_ name: String, in request: Request) -> Int {
        request.headers[values: .cookie].reduce(0) { total, header in
            total + header.split(separator: ";").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix(name + "=") }.count
        }
    }

    /// What both cookies share: the whole site (`Path=/`), never sent cross-site (`SameSite=Strict`).
    private static func cookie(
        _ name: String,
        _ value: String,
        expires: Date? = nil,
        maxAge: Int? = nil,
        secure: Bool,
        httpOnly: Bool
    ) -> Cookie {
        Cookie(name: name, value: value, expires: expires, maxAge: maxAge, path: "/", secure: secure, httpOnly: httpOnly, sameSite: .strict)
    }

    /// The `Origin` a browser sends must be the control plane's: the public URL's, or the `Host` the request was sent to.
    func checkOrigin(_ request: Request) throws {
        guard let origin = request.headers[.origin] else { return }
        let authority = origin.split(separator: "://", maxSplits: 1).last.map(String.init)
        guard origin == publicOrigin || (authority != nil && authority == request.head.authority) else {
            throw APIError(.forbidden, code: "csrf_failed", message: "cross-origin request refused: Origin is not this control plane")
        }
    }

    /// `Secure` when the browser is on https (its `Origin` says so), or, without an `Origin`, when the public URL is.
    func isSecure(_ request: Request) -> Bool {
        if let origin = request.headers[.origin] { return origin.hasPrefix("https://") }
        return publicOrigin?.hasPrefix("https://") ?? false
    }
}

extension HTTPFields {
    /// `Response.setCookie` for the fields a `JSONResponse` or an `APIError` carries, which have no
    /// `Response` yet; the line is Hummingbird's `Cookie` rendering, as `setCookie` writes it.
    mutating func setCookie(_ cookie: Cookie) {
        self[values: .setCookie].append(cookie.description)
    }
}
