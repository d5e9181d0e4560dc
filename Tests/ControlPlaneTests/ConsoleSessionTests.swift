import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane
@testable import ControlPlaneHTTP

/// The console's cookie session and its CSRF defence (docs/console.md, "Session and CSRF"), over
/// a real socket so `Host` and `Origin` are what a browser would send.
@Suite("Console session cookies and CSRF")
struct ConsoleSessionTests {
    static let password = "correct horse battery"
    /// The test client sends `Host: localhost`; a browser's `Origin` names the host it sent the request to.
    static let origin = "http://localhost"

    /// The `Set-Cookie` line of `name` in a reply.
    static func cookie(_ name: String, in reply: ControlPlaneHarness.Reply) -> String? {
        reply.headers[values: .setCookie].first { $0.hasPrefix(name + "=") }
    }

    /// `name=value` from a `Set-Cookie` line.
    static func value(_ line: String?) -> String {
        String(line?.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last ?? "")
    }

    @Test func cookieSignInSetsHardenedCookiesAndNoTokenInTheBody() async throws {
        try await ControlPlaneHarness.run(live: true) { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.addMember("dana@acme.test", role: "admin", password: Self.password)
            let origin = Self.origin
            let login = try await cp.send(
                .post,
                "/v1/auth/login",
                json: ["email": "dana@acme.test", "password": Self.password],
                key: .some(nil),
                headers: [CookieSessions.deliveryHeader: "cookie", .origin: origin]
            )
            #expect(login.status == 201, "\(login.text)")
            #expect(login.json["token"] == nil && login.json["expires_at"] is String, "the script never sees the token: \(login.text)")
            #expect(login.headers[.cacheControl] == "no-store")
            let session = try #require(Self.cookie("cp_session", in: login), "\(login.headers)")
            let flags = Set(session.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(flags.contains("HttpOnly") && flags.contains("SameSite=Strict") && flags.contains("Path=/"), "\(session)")
            #expect(flags.contains { $0.hasPrefix("Expires=") } && !flags.contains("Secure"), "http page: no Secure flag: \(session)")
            let token = Self.value(session)
            #expect(token.hasPrefix("cps_"))
            let csrf = try #require(Self.cookie("cp_csrf", in: login))
            #expect(!csrf.contains("HttpOnly") && csrf.contains("SameSite=Strict"), "the page's script reads it: \(csrf)")
            #expect(Self.value(csrf) == CookieSessions.csrfToken(for: token) && !Self.value(csrf).contains(token))

            // Over https (the browser's Origin says so) both cookies are Secure.
            let secure = try await cp.send(
                .post,
                "/v1/auth/login",
                json: ["email": "dana@acme.test", "password": Self.password],
                key: .some(nil),
                headers: [CookieSessions.deliveryHeader: "cookie", .origin: "https://cp.test"]
            )
            #expect(secure.status == 201 && secure.headers[values: .setCookie].allSatisfy { $0.contains("; Secure") }, "\(secure.headers)")

            // Without the header nothing changes: the token in the body, no cookie.
            let bearer = try await cp.send(
                .post,
                "/v1/auth/login",
                json: ["email": "dana@acme.test", "password": Self.password],
                key: .some(nil)
            )
            #expect(bearer.status == 201 && bearer.json["token"] is String && bearer.headers[values: .setCookie].isEmpty)

            // A cookie sign-in from another origin is refused before the password is looked at.
            let foreign = try await cp.send(
                .post,
                "/v1/auth/login",
                json: ["email": "dana@acme.test", "password": Self.password],
                key: .some(nil),
                headers: [CookieSessions.deliveryHeader: "cookie", .origin: "https://evil.test"]
            )
            #expect(
                foreign.status == 403 && foreign.errorCode == "csrf_failed" && foreign.headers[values: .setCookie].isEmpty,
                "\(foreign.text)"
            )
        }
    }

    @Test func mutatingCookieRequestsNeedTheCSRFTokenAndOurOrigin() async throws {
        try await ControlPlaneHarness.run(live: true) { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.addMember("dana@acme.test", role: "admin", password: Self.password)
            let origin = Self.origin
            let login = try await cp.send(
                .post,
                "/v1/auth/login",
                json: ["email": "dana@acme.test", "password": Self.password],
                key: .some(nil),
                headers: [CookieSessions.deliveryHeader: "cookie", .origin: origin]
            )
            let token = Self.value(Self.cookie("cp_session", in: login))
            let csrf = CookieSessions.csrfToken(for: token)
            let jar: HTTPFields = [.cookie: "cp_session=\(token); cp_csrf=\(csrf)"]

            // Reads need only the cookie.
            let me = try await cp.send(.get, "/v1/me", key: .some(nil), headers: jar)
            #expect(me.status == 200 && (me.json["user"] as? [String: Any])?["email"] as? String == "dana@acme.test", "\(me.text)")

            func create(_ slug: String, _ extra: HTTPFields) async throws -> ControlPlaneHarness.Reply {
                var headers = jar
                for field in extra { headers.append(field) }
                return try await cp.send(.post, "/v1/orgs", json: ["slug": slug, "name": slug], key: .some(nil), headers: headers)
            }
            let missing = try await create("no-token", [.origin: origin])
            #expect(missing.status == 403 && missing.errorCode == "csrf_failed", "\(missing.text)")
            let wrong = try await create(
                "wrong-token",
                [.origin: origin, CookieSessions.csrfHeader: CookieSessions.csrfToken(for: "cps_other")]
            )
            #expect(wrong.status == 403 && wrong.errorCode == "csrf_failed", "\(wrong.text)")
            let crossSite = try await create("cross-site", [.origin: "https://evil.test", CookieSessions.csrfHeader: csrf])
            #expect(crossSite.status == 403 && crossSite.errorCode == "csrf_failed", "\(crossSite.text)")
            let made = try await create("made", [.origin: origin, CookieSessions.csrfHeader: csrf])
            #expect(made.status == 201, "\(made.text)")
            // Nothing the refused requests asked for exists.
            let orgs = try await cp.send(.get, "/v1/orgs", key: .some(nil), headers: jar)
            #expect(Set((orgs.json["organizations"] as? [[String: Any]])?.compactMap { $0["slug"] as? String } ?? []) == ["acme", "made"])
            // Every method that changes something, not only POST: a delete or a patch needs the token too.
            for (method, body) in [(HTTPRequest.Method.delete, nil), (.patch, ["name": "Renamed"] as [String: Any]?)] {
                var headers = jar
                headers[.origin] = origin
                let refused = try await cp.send(method, "/v1/orgs/made", json: body, key: .some(nil), headers: headers)
                #expect(refused.status == 403 && refused.errorCode == "csrf_failed", "\(method): \(refused.text)")
            }
            let kept = try await cp.send(.get, "/v1/orgs/made", key: .some(nil), headers: jar)
            #expect(kept.status == 200 && kept.json["name"] as? String == "made", "\(kept.text)")

            // Cookie tossing (docs/security.md, 3.13): a page elsewhere on this site set a second
            // cp_session at a narrower path; the browser sends both, and neither is used.
            let tossed = try await cp.send(
                .get,
                "/v1/me",
                key: .some(nil),
                headers: [.cookie: "cp_session=cps_attackers; cp_session=\(token); cp_csrf=\(csrf)"]
            )
            #expect(tossed.status == 401 && tossed.errorMessage?.contains("more than one session cookie") == true, "\(tossed.text)")
            #expect(tossed.headers[values: .setCookie].contains { $0.hasPrefix("cp_session=;") && $0.contains("Path=/v1") })

            // Only sessions ride in the cookie: an API key there is refused.
            let apiKey = try await cp.send(.get, "/v1/me", key: .some(nil), headers: [.cookie: "cp_session=\(cp.adminKey)"])
            #expect(apiKey.status == 401 && apiKey.errorCode == "unauthorized", "\(apiKey.text)")

            // Sign-out ends the session and deletes both cookies; the cookie then gets 401 and is deleted again.
            var signOut = jar
            signOut[.origin] = origin
            signOut[CookieSessions.csrfHeader] = csrf
            let logout = try await cp.send(.post, "/v1/auth/logout", key: .some(nil), headers: signOut)
            #expect(logout.status == 204, "\(logout.text)")
            #expect(
                logout.headers[values: .setCookie].count == 2 && logout.headers[values: .setCookie].allSatisfy { $0.contains("Max-Age=0") }
            )
            let after = try await cp.send(.get, "/v1/me", key: .some(nil), headers: jar)
            #expect(
                after.status == 401 && after.errorCode == "unauthorized"
                    && after.headers[values: .setCookie].allSatisfy { $0.contains("Max-Age=0") },
                "\(after.text)"
            )
        }
    }

    @Test func bearerCallersIgnoreCookiesAndNeedNoCSRFToken() async throws {
        try await ControlPlaneHarness.run(live: true) { (cp: ControlPlaneHarness) async throws in
            // A bearer POST with a stale cookie and no CSRF header: the Authorization header decides.
            let made = try await cp.send(
                .post,
                "/v1/orgs",
                json: ["slug": "acme", "name": "Acme"],
                headers: [.cookie: "cp_session=cps_stale"]
            )
            #expect(made.status == 201, "\(made.text)")
            #expect(made.headers[values: .setCookie].isEmpty)
            #expect(try await cp.send(.get, "/v1/orgs/acme").status == 200)
        }
    }

    @Test func invitationAcceptDeliversTheNewSessionAsCookies() async throws {
        try await ControlPlaneHarness.run(live: true) { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let origin = Self.origin
            let invited = try await cp.send(
                .post,
                "/v1/orgs/acme/members",
                json: ["email": "alice@acme.test", "name": "Alice", "role": "member"]
            )
            let code = try #require((invited.json["invitation"] as? [String: Any])?["code"] as? String)
            let accepted = try await cp.send(
                .post,
                "/v1/invitations/accept",
                json: ["code": code, "name": "Alice", "password": Self.password],
                key: .some(nil),
                headers: [CookieSessions.deliveryHeader: "cookie", .origin: origin]
            )
            #expect(
                accepted.status == 201 && accepted.json["token"] == nil && accepted.json["role"] as? String == "member",
                "\(accepted.text)"
            )
            let token = Self.value(Self.cookie("cp_session", in: accepted))
            let me = try await cp.send(.get, "/v1/me", key: .some(nil), headers: [.cookie: "cp_session=\(token)"])
            #expect(me.status == 200, "\(me.text)")

            // Joining while signed in with the cookie is a mutating request: it needs the CSRF token.
            try await cp.makeOrg("globex")
            let second = try await cp.send(
                .post,
                "/v1/orgs/globex/members",
                json: ["email": "alice@acme.test", "name": "Alice", "role": "member"]
            )
            let secondCode = try #require((second.json["invitation"] as? [String: Any])?["code"] as? String)
            let unsigned = try await cp.send(
                .post,
                "/v1/invitations/accept",
                json: ["code": secondCode],
                key: .some(nil),
                headers: [.cookie: "cp_session=\(token)", .origin: origin]
            )
            #expect(unsigned.status == 403 && unsigned.errorCode == "csrf_failed", "\(unsigned.text)")
            let joined = try await cp.send(
                .post,
                "/v1/invitations/accept",
                json: ["code": secondCode],
                key: .some(nil),
                headers: [.cookie: "cp_session=\(token)", .origin: origin, CookieSessions.csrfHeader: CookieSessions.csrfToken(for: token)]
            )
            #expect(
                joined.status == 200 && (joined.json["organization"] as? [String: Any])?["slug"] as? String == "globex",
                "\(joined.text)"
            )
        }
    }
}
