import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

@Suite("OAuth2 client credentials (/oauth/token)")
struct OAuthTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// `{id}` and `{secret}` are replaced with the service account's credentials.
        var form: String
        var basic: Bool = false
        /// An `Authorization` header sent as is.
        var authorization: String? = nil
        var contentType: String? = nil
        var status: Int
        var error: String
        var testDescription: String { name }
    }

    static let errorCases: [Case] = [
        Case(
            name: "no grant type",
            form: "client_id={id}&client_secret={secret}&audience=acme/prod",
            status: 400,
            error: "invalid_request"
        ),
        Case(name: "password grant", form: "grant_type=password&username=a&password=b", status: 400, error: "unsupported_grant_type"),
        Case(
            name: "JSON body",
            form: "{\"grant_type\":\"client_credentials\"}",
            contentType: "application/json",
            status: 400,
            error: "invalid_request"
        ),
        Case(
            name: "wrong secret",
            form: "grant_type=client_credentials&client_id={id}&client_secret=cpsa_nope&audience=acme/prod",
            status: 401,
            error: "invalid_client"
        ),
        Case(
            name: "unknown client",
            form: "grant_type=client_credentials&client_id=cpc_nobody&client_secret={secret}&audience=acme/prod",
            status: 401,
            error: "invalid_client"
        ),
        Case(name: "no client credentials", form: "grant_type=client_credentials&audience=acme/prod", status: 401, error: "invalid_client"),
        Case(
            name: "NUL in the client id",
            form: "grant_type=client_credentials&client_id=cpc_%00&client_secret={secret}&audience=acme/prod",
            status: 401,
            error: "invalid_client"
        ),
        Case(
            name: "malformed Basic credentials",
            form: "grant_type=client_credentials&audience=acme/prod",
            authorization: "Basic !!!",
            status: 401,
            error: "invalid_client"
        ),
        Case(
            name: "over 500 scopes (the cap of POST …/tokens)",
            form: "grant_type=client_credentials&client_id={id}&client_secret={secret}&audience=acme/prod&scope="
                + (0...500).map { "agents:a\($0):run" }.joined(separator: "%20"),
            status: 400,
            error: "invalid_scope"
        ),
        Case(
            name: "Basic and form credentials",
            form: "grant_type=client_credentials&client_id={id}&client_secret={secret}&audience=acme/prod",
            basic: true,
            status: 400,
            error: "invalid_request"
        ),
        Case(
            name: "no audience",
            form: "grant_type=client_credentials&client_id={id}&client_secret={secret}",
            status: 400,
            error: "invalid_request"
        ),
        Case(
            name: "malformed audience",
            form: "grant_type=client_credentials&client_id={id}&client_secret={secret}&audience=prod",
            status: 400,
            error: "invalid_request"
        ),
        Case(
            name: "unknown OS",
            form: "grant_type=client_credentials&client_id={id}&client_secret={secret}&audience=acme/nope",
            status: 400,
            error: "invalid_request"
        ),
        Case(
            name: "another org's OS",
            form: "grant_type=client_credentials&client_id={id}&client_secret={secret}&audience=other/prod",
            status: 400,
            error: "invalid_request"
        ),
        Case(
            name: "repeated parameter",
            form: "grant_type=client_credentials&grant_type=client_credentials&audience=acme/prod",
            status: 400,
            error: "invalid_request"
        ),
        Case(
            name: "scope not granted",
            form: "grant_type=client_credentials&client_id={id}&client_secret={secret}&audience=acme/prod&scope=agents:finance-agent:run",
            status: 400,
            error: "invalid_scope"
        ),
        Case(
            name: "malformed scope",
            form: "grant_type=client_credentials&client_id={id}&client_secret={secret}&audience=acme/prod&scope=nope",
            status: 400,
            error: "invalid_scope"
        ),
        Case(
            name: "no scopes on that OS",
            form: "grant_type=client_credentials&client_id={id}&client_secret={secret}&audience=acme/staging",
            status: 400,
            error: "invalid_scope"
        ),
    ]

    func setUp(_ cp: ControlPlaneHarness) async throws -> (id: String, clientID: String, secret: String) {
        try await cp.makeOrg()
        try await cp.makeOrg("other")
        try await cp.makeOS()
        try await cp.makeOS("staging")
        try await cp.makeOS(org: "other")
        let account = try await cp.serviceAccount("robot")
        try await cp.bind(["service_account": account.id], role: "os-viewer", os: "prod")
        try await cp.grant(["service_account": account.id], "agents:web-agent:run")
        return account
    }

    static func basic(_ id: String, _ secret: String) -> String {
        "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()
    }

    @Test(arguments: errorCases)
    func errors(_ item: Case) async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let account = try await setUp(cp)
            let form = item.form.replacingOccurrences(of: "{id}", with: account.clientID).replacingOccurrences(
                of: "{secret}",
                with: account.secret
            )
            var headers: HTTPFields = [:]
            if item.basic { headers[.authorization] = Self.basic(account.clientID, account.secret) }
            if let authorization = item.authorization { headers[.authorization] = authorization }
            let reply = try await cp.send(
                .post,
                "/oauth/token",
                form: form,
                contentType: item.contentType,
                key: .some(nil),
                headers: headers
            )
            #expect(reply.status == item.status, "\(reply.text)")
            #expect(reply.json["error"] as? String == item.error, "\(reply.text)")
            #expect((reply.json["error_description"] as? String)?.isEmpty == false)
            #expect(reply.headers[.cacheControl] == "no-store")
            #expect(!reply.text.contains(account.secret))
            // RFC 6749 §5.2: the challenge of the scheme this endpoint takes, Basic (never Bearer).
            if item.status == 401 { #expect(reply.headers[.wwwAuthenticate] == "Basic realm=\"controlplane\"") }
        }
    }

    @Test func issuesWithBasicOrFormAndNarrows() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let account = try await setUp(cp)
            let viaBasic = try await cp.send(
                .post,
                "/oauth/token",
                form: "grant_type=client_credentials&audience=acme%2Fprod",
                key: .some(nil),
                headers: [.authorization: Self.basic(account.clientID, account.secret)]
            )
            #expect(viaBasic.status == 200, "\(viaBasic.text)")
            #expect(viaBasic.headers[.cacheControl] == "no-store")
            #expect(viaBasic.json["token_type"] as? String == "Bearer" && viaBasic.json["expires_in"] as? Int == 900)
            let claims = jwtPayload(viaBasic.json["access_token"] as? String ?? "")
            #expect(claims["sub"] as? String == "svc:\(account.id)" && claims["aud"] as? String == "prod")
            #expect((viaBasic.json["scope"] as? String)?.split(separator: " ").contains("agents:web-agent:run") == true)
            #expect(
                Set(claims["scopes"] as? [String] ?? [])
                    == Set((viaBasic.json["scope"] as? String ?? "").split(separator: " ").map(String.init))
            )

            let narrowed = try await cp.send(
                .post,
                "/oauth/token",
                form: "grant_type=client_credentials&client_id=\(account.clientID)&client_secret=\(account.secret)"
                    + "&resource=acme/prod&scope=agents:web-agent:run+config:read",
                key: .some(nil)
            )
            #expect(narrowed.status == 200, "\(narrowed.text)")
            #expect(narrowed.json["scope"] as? String == "agents:web-agent:run config:read")

            // Revoked: invalid_client.
            #expect(try await cp.send(.delete, "/v1/orgs/acme/service-accounts/\(account.id)").status == 204)
            let revoked = try await cp.send(
                .post,
                "/oauth/token",
                form: "grant_type=client_credentials&audience=acme/prod",
                key: .some(nil),
                headers: [.authorization: Self.basic(account.clientID, account.secret)]
            )
            #expect(revoked.status == 401 && revoked.json["error"] as? String == "invalid_client")
        }
    }
}
