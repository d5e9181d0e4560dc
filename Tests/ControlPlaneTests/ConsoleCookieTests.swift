import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Testing

@testable import ControlPlane
@testable import ControlPlaneHTTP

/// Every attribute of the console's cookies (docs/console.md, "Session and CSRF"), compared as
/// sets so the order the cookie writer puts them in does not matter, and the `Cookie` header read
/// as a browser sends it. In process: no server, no database.
@Suite("Console cookies: attributes and parsing")
struct ConsoleCookieTests {
    static let cookies = CookieSessions(issuer: "http://cp.test")
    /// 2023-11-14 22:13:20 UTC, as an HTTP date.
    static let session = Session(token: "cps_abc-_0", expiresAt: Date(timeIntervalSince1970: 1_700_000_000))
    static let expires = "Expires=Tue, 14 Nov 2023 22:13:20 GMT"

    static func request(_ fields: HTTPFields, method: HTTPRequest.Method = .post) -> Request {
        Request(
            head: HTTPRequest(method: method, scheme: "http", authority: "cp.test", path: "/v1/auth/login", headerFields: fields),
            body: RequestBody(buffer: ByteBuffer())
        )
    }

    /// `Set-Cookie` lines by cookie name: (`name=value`, the set of attributes).
    static func parsed(_ fields: HTTPFields) -> [String: (pair: String, attributes: Set<String>)] {
        var cookies: [String: (pair: String, attributes: Set<String>)] = [:]
        for line in fields[values: .setCookie] {
            let parts = line.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let name = String(parts[0].prefix { $0 != "=" })
            #expect(cookies[name] == nil, "one line per cookie: \(line)")
            cookies[name] = (parts[0], Set(parts.dropFirst()))
        }
        return cookies
    }

    @Test(arguments: [("http://cp.test", false), ("https://cp.test", true)])
    func aDeliveredSessionSetsBothCookiesWithExactlyTheirAttributes(origin: String, secure: Bool) throws {
        let request = Self.request([CookieSessions.deliveryHeader: "cookie", .origin: origin])
        let answer = try Self.cookies.deliver(Self.session, request: request, status: .created) { $0 ?? "none" }
        let cookies = Self.parsed(answer.headers)
        let common = Set(["Path=/", Self.expires, "SameSite=Strict"] + (secure ? ["Secure"] : []))
        #expect(cookies.count == 2)
        #expect(cookies["cp_session"]?.pair == "cp_session=cps_abc-_0")
        #expect(cookies["cp_session"]?.attributes == common.union(["HttpOnly"]))
        #expect(cookies["cp_csrf"]?.pair == "cp_csrf=" + CookieSessions.csrfToken(for: "cps_abc-_0"))
        #expect(cookies["cp_csrf"]?.attributes == common, "the page's script reads it: no HttpOnly")
        #expect(answer.headers[.cacheControl] == "no-store" && answer.headers[HTTPField.Name("Pragma")!] == "no-cache")
        #expect(String(decoding: answer.data, as: UTF8.self) == #""none""#, "the token is not in the body")
    }

    @Test(arguments: [("http://cp.test", false), ("https://cp.test", true)])
    func clearingDeletesBothCookiesWithTheSameScope(origin: String, secure: Bool) {
        let cookies = Self.parsed(Self.cookies.clear(Self.request([.origin: origin])))
        let common = Set(["Path=/", "Max-Age=0", "SameSite=Strict"] + (secure ? ["Secure"] : []))
        #expect(cookies.count == 2)
        #expect(cookies["cp_session"]?.pair == "cp_session=" && cookies["cp_session"]?.attributes == common.union(["HttpOnly"]))
        #expect(cookies["cp_csrf"]?.pair == "cp_csrf=" && cookies["cp_csrf"]?.attributes == common)
    }

    @Test
    func theSessionIsReadFromTheCookieHeaderOnlyWithoutAuthorization() throws {
        let jar = "theme=dark; cp_session=cps_first; cp_csrf=x"
        #expect(try Self.cookies.credential(Self.request([.cookie: jar], method: .get)) == "cps_first")
        // A browser may split cookies over several fields (HTTP/2); they are read together.
        var split: HTTPFields = [.cookie: "theme=dark"]
        split.append(HTTPField(name: .cookie, value: "cp_session=cps_second"))
        #expect(try Self.cookies.credential(Self.request(split, method: .get)) == "cps_second")
        // A second `cp_session`, in either field, is a tossed cookie: neither is used.
        split.append(HTTPField(name: .cookie, value: "cp_session=cps_third"))
        #expect(throws: APIError.self) { try Self.cookies.credential(Self.request(split, method: .get)) }
        #expect(throws: APIError.self) {
            try Self.cookies.credential(Self.request([.cookie: "cp_session=cps_a; theme=dark; cp_session=cps_b"], method: .get))
        }
        #expect(try Self.cookies.credential(Self.request([.cookie: "theme=dark; cp_sessionx=cps_no"], method: .get)) == nil)
        #expect(try Self.cookies.credential(Self.request([.cookie: jar, .authorization: "Bearer cpk_x"], method: .get)) == nil)
    }
}
