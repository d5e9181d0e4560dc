import Foundation

extension Validation {
    /// `CONTROL_PLANE_ISSUER`: an http(s) URL of plain characters, because it is written into
    /// every token's `iss` and, as an origin, into every OS's `.env` (docs/security.md, 3.10),
    /// which a shell sources: a quote, `$`, a backquote or a space there would be code.
    static func issuer(_ value: String) throws {
        let refusal = ControlPlaneError.invalid(
            "CONTROL_PLANE_ISSUER must be an http or https URL such as https://cp.example.com: a host of letters, digits, '.' "
                + "and '-' (or an IPv6 address in brackets), an optional port and path, and no quotes, spaces, '$', query or fragment"
        )
        guard let parts = URLComponents(string: value), let scheme = parts.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = parts.host, !host.isEmpty, parts.user == nil, parts.password == nil, parts.query == nil, parts.fragment == nil
        else { throw refusal }
        let hostCharacters =
            host.contains(":") ? "0123456789abcdefABCDEF:.[]" : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-"
        let pathCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_~/"
        guard host.allSatisfy(hostCharacters.contains), parts.percentEncodedPath.allSatisfy(pathCharacters.contains) else {
            throw refusal
        }
    }
}

extension ControlPlaneSettings {
    /// Refuses an `issuer` (`CONTROL_PLANE_ISSUER`) that is not a plain http(s) URL, in words.
    public static func checkIssuer(_ issuer: String) throws { try Validation.issuer(issuer) }
}
