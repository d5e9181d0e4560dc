import HTTPTypes
public import Hummingbird

/// Browser hardening on every answer, errors included: no MIME sniffing, no referrer (an
/// invitation link's fragment never leaves, and no path does either), never framed. The console's
/// pages get a strict Content-Security-Policy; API answers get one that allows nothing at all.
/// Every answer that does not set its own `Cache-Control` (the public documents and the console's
/// files do) is `no-store`, varying on the credential: API answers carry personal data and may be
/// cookie-authenticated, so no browser or shared cache may keep one. The rule keys on the answer,
/// not on the path, so no spelling of a path (`//v1/me`) escapes it (docs/security.md, "Personal
/// data is never cached").
public struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Scripts, styles and images only from the control plane itself: no inline script, no
    /// `eval`, no third party. `connect-src` also allows http(s) origins because the console calls
    /// each AgentOS directly at whatever URL its admin registered (probing `/info`, "Use the OS");
    /// the control plane never proxies that traffic.
    static var consolePolicy: String {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' http: https:; "
            + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    }
    static var apiPolicy: String { "default-src 'none'; frame-ancestors 'none'" }

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let policy = request.uri.path == "/console" || request.uri.path.hasPrefix("/console/") ? Self.consolePolicy : Self.apiPolicy
        do {
            var response = try await next(request, context)
            Self.add(to: &response.headers, policy: policy)
            Self.forbidCaching(&response.headers)
            return response
        } catch let error as APIError {
            var error = error
            Self.add(to: &error.headers, policy: policy)
            Self.forbidCaching(&error.headers)
            throw error
        }
    }

    static func forbidCaching(_ headers: inout HTTPFields) {
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
        if headers[.cacheControl] == "no-store" && headers[.vary] == nil { headers[.vary] = "Authorization, Cookie" }
    }

    static func add(to headers: inout HTTPFields, policy: String) {
        headers[.contentSecurityPolicy] = policy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "no-referrer"
        headers[.xFrameOptions] = "DENY"
        headers[.crossOriginOpenerPolicy] = "same-origin"
    }
}

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let crossOriginOpenerPolicy = Self("Cross-Origin-Opener-Policy")!
}
