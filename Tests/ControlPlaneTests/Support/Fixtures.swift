import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

/// Builders for the common setup of access tests: an org, OSes, members with API keys.
extension ControlPlaneHarness {
    @discardableResult
    func makeOrg(_ slug: String = "acme") async throws -> Reply {
        let reply = try await send(.post, "/v1/orgs", json: ["slug": slug, "name": slug.capitalized])
        #expect(reply.status == 201, "create org: \(reply.text)")
        return reply
    }

    /// Registers an OS with authorization on; returns its public key PEM. An algorithm stock Agno
    /// cannot verify registers the OS for this project's verifier (`agentos-auth`).
    @discardableResult
    func makeOS(_ id: String = "prod", org: String = "acme", algorithm: String = "RS256") async throws -> String {
        let verifier = algorithm == "RS256" ? "agno" : "agentos-auth"
        let reply = try await send(
            .post,
            "/v1/orgs/\(org)/os",
            json: ["id": id, "name": id, "algorithm": algorithm, "verifier": verifier]
        )
        #expect(reply.status == 201, "register OS: \(reply.text)")
        return ((reply.json["signing_key"] as? [String: Any])?["public_key_pem"] as? String) ?? ""
    }

    /// Adds a member and has the account join through its invitation, as a person would: with
    /// `password`, the new account redeems it by choosing that password; without, the account
    /// accepts it with its own API key (tests then act through API keys). `join: false` leaves
    /// the membership invited. Returns the user id.
    @discardableResult
    func addMember(
        _ email: String,
        role: String = "member",
        org: String = "acme",
        password: String? = nil,
        join: Bool = true
    ) async throws -> String {
        let body: [String: Any] = ["email": email, "name": email.split(separator: "@")[0].capitalized, "role": role]
        let reply = try await send(.post, "/v1/orgs/\(org)/members", json: body)
        #expect(reply.status == 201, "add member \(email): \(reply.text)")
        let id = ((reply.json["user"] as? [String: Any])?["id"] as? String) ?? ""
        guard join else { return id }
        let code = try #require((reply.json["invitation"] as? [String: Any])?["code"] as? String)
        let accepted =
            if let password {
                try await acceptInvitation(code, name: String(email.split(separator: "@")[0]).capitalized, password: password)
            } else {
                try await acceptInvitation(code, key: try await apiKey(forUser: id))
            }
        #expect((200...201).contains(accepted.status), "\(email) accepts: \(accepted.text)")
        return id
    }

    /// `POST /v1/invitations/accept`: signed in with `key`, or as a new account with name and password.
    @discardableResult
    func acceptInvitation(_ code: String, key: String? = nil, name: String? = nil, password: String? = nil) async throws -> Reply {
        var body: [String: Any] = ["code": code]
        body["name"] = name
        body["password"] = password
        return try await send(.post, "/v1/invitations/accept", json: body, key: .some(key))
    }

    /// An API key acting as the user `id` (created through the service, as the user would).
    func apiKey(forUser id: String) async throws -> String {
        let caller = Caller(identity: .user(UUID(uuidString: id)!), credential: .apiKey(UUID()), name: "test")
        return try await services.authentication.createAPIKey(caller, name: "test key", expiresInDays: nil).1
    }

    /// The superuser's standing in `org`, for calling services directly.
    func superuserAccess(_ org: String = "acme") async throws -> OrgAccess {
        try await services.organizations.access(try await services.authentication.authenticate(bearer: adminKey), org: org)
    }

    @discardableResult
    func bind(_ subject: [String: String], role: String, os: String? = nil, org: String = "acme") async throws -> String {
        var body: [String: Any] = ["subject": subject, "role": role]
        if let os { body["os"] = os }
        let reply = try await send(.post, "/v1/orgs/\(org)/role-bindings", json: body)
        #expect(reply.status == 201, "bind \(role): \(reply.text)")
        return reply.json["id"] as? String ?? ""
    }

    @discardableResult
    func grant(_ subject: [String: String], _ scope: String, os: String = "prod", org: String = "acme") async throws -> String {
        let reply = try await send(.post, "/v1/orgs/\(org)/os/\(os)/grants", json: ["subject": subject, "scope": scope])
        #expect(reply.status == 201, "grant \(scope): \(reply.text)")
        return reply.json["id"] as? String ?? ""
    }

    /// Creates a service account; returns (id, client_id, client_secret).
    func serviceAccount(_ name: String, broker: Bool = false, org: String = "acme") async throws -> (
        id: String, clientID: String, secret: String
    ) {
        let reply = try await send(.post, "/v1/orgs/\(org)/service-accounts", json: ["name": name, "token_broker": broker])
        #expect(reply.status == 201, "service account: \(reply.text)")
        return (reply.json["id"] as? String ?? "", reply.json["client_id"] as? String ?? "", reply.json["client_secret"] as? String ?? "")
    }

    /// Issues a token through the API.
    func token(_ body: [String: Any] = [:], os: String = "prod", org: String = "acme", key: String? = nil) async throws -> Reply {
        try await send(.post, "/v1/orgs/\(org)/os/\(os)/tokens", json: body, key: key.map { .some($0) } ?? .none)
    }
}

/// The JSON payload of a JWT, decoded without verifying (tests check claims separately).
func jwtPayload(_ token: String) -> [String: Any] {
    let parts = token.split(separator: ".")
    guard parts.count == 3 else { return [:] }
    var text = String(parts[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while text.count % 4 != 0 { text += "=" }
    guard let data = Data(base64Encoded: text) else { return [:] }
    return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
}
