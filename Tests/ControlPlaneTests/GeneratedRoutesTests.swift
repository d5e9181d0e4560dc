import Foundation
import HTTPTypes
import Testing

@testable import ControlPlaneHTTP

/// The operations served by the generated protocol (`APIHandler`) answer hostile input as the
/// hand-written routes do: the API's error envelope with the same statuses and messages, and
/// nothing changed.
@Suite("Generated routes: hostile input")
struct GeneratedRoutesTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var raw: String
        /// `""`: no Content-Type header.
        var contentType: String
        var status: Int
        var code: String
        var message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        .init(
            name: "wrong content type",
            raw: #"{"slug":"x","name":"X"}"#,
            contentType: "text/plain",
            status: 415,
            code: "unsupported_media_type",
            message: "Content-Type must be application/json"
        ),
        .init(
            name: "no content type",
            raw: #"{"slug":"x","name":"X"}"#,
            contentType: "",
            status: 415,
            code: "unsupported_media_type",
            message: "Content-Type must be application/json"
        ),
        .init(
            name: "missing field",
            raw: #"{"slug":"x"}"#,
            contentType: "application/json",
            status: 400,
            code: "invalid_request",
            message: "invalid JSON body: missing field 'name'"
        ),
        .init(
            name: "wrong type",
            raw: #"{"slug":7,"name":"X"}"#,
            contentType: "application/json",
            status: 400,
            code: "invalid_request",
            message: "invalid JSON body: field 'slug' has the wrong type"
        ),
        .init(
            name: "not JSON",
            raw: "{slug",
            contentType: "application/json",
            status: 400,
            code: "invalid_request",
            message: "invalid JSON body: not valid JSON"
        ),
        .init(
            name: "empty body",
            raw: "",
            contentType: "application/json",
            status: 400,
            code: "invalid_request",
            message: "invalid JSON body: not valid JSON"
        ),
        .init(
            name: "over 1 MiB",
            raw: #"{"slug":"x","name":""# + String(repeating: "x", count: 1 << 20) + #""}"#,
            contentType: "application/json",
            status: 413,
            code: "too_large",
            message: "request body exceeds 1 MiB"
        ),
        .init(
            name: "bad slug",
            raw: #"{"slug":"Not A Slug","name":"X"}"#,
            contentType: "application/json",
            status: 400,
            code: "invalid_request",
            message: ""
        ),
    ]

    @Test(arguments: cases)
    func createOrganizationRefuses(_ item: Case) async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let reply = try await cp.send(.post, "/v1/orgs", raw: item.raw, contentType: item.contentType)
            #expect(reply.status == item.status, "\(reply.text.prefix(300))")
            #expect(reply.errorCode == item.code)
            let message = (reply.json["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(item.message.isEmpty ? !message.isEmpty : message == item.message, "\(message)")
            #expect(reply.headers[.contentType] == "application/json; charset=utf-8")
            let listed = try await cp.send(.get, "/v1/orgs")
            #expect(
                listed.status == 200 && (listed.json["organizations"] as? [Any])?.isEmpty == true,
                "nothing was created: \(listed.text)"
            )
        }
    }

    @Test func callersAndMembershipAreCheckedAsBefore() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let anonymous = try await cp.send(.get, "/v1/orgs/acme", key: .some(nil))
            #expect(anonymous.status == 401 && anonymous.errorCode == "unauthorized")
            try await cp.expectRefused(.get, "/v1/orgs", key: "cpk_not-a-key", status: 401)
            let unknown = try await cp.send(.get, "/v1/orgs/nope")
            #expect(unknown.status == 404 && unknown.errorCode == "not_found", "\(unknown.text)")
            let patched = try await cp.send(.patch, "/v1/orgs/acme", json: ["require_mfa": "yes"])
            #expect(patched.status == 400 && patched.text.contains("require_mfa"), "\(patched.text)")
            let deleted = try await cp.send(.delete, "/v1/orgs/acme")
            #expect(deleted.status == 204 && deleted.body.isEmpty)
            try await cp.expectRefused(.get, "/v1/orgs/acme", status: 404, message: "acme")
        }
    }

    /// The API answers JSON whatever the client accepts, as the hand-written routes do: the
    /// generated code's own content negotiation (406, or 400 for a malformed header) is not used.
    @Test func acceptIsNotNegotiated() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            for accept in ["text/html", "application/xml", "garbage;;", "*/*", "application/json"] {
                let reply = try await cp.send(.get, "/v1/orgs/acme", headers: [.accept: accept])
                #expect(reply.status == 200 && reply.json["slug"] as? String == "acme", "\(accept): \(reply.text)")
                #expect(reply.headers[.contentType] == "application/json; charset=utf-8")
            }
            let created = try await cp.send(.post, "/v1/orgs", json: ["slug": "beta", "name": "Beta"], headers: [.accept: "text/plain"])
            #expect(created.status == 201, "\(created.text)")
        }
    }

    /// A Content-Type is JSON by the API's rule (it starts with `application/json`), not by the
    /// generated code's stricter matching.
    @Test func jsonIsWhatTheAPICallsJSON() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let types = ["application/json-patch+json", "application/jsonx", "APPLICATION/JSON", "application/json; charset=utf-8"]
            for (index, type) in types.enumerated() {
                let reply = try await cp.send(.post, "/v1/orgs", raw: #"{"slug":"s\#(index)","name":"S"}"#, contentType: type)
                #expect(reply.status == 201, "\(type): \(reply.text)")
            }
        }
    }

    /// Which operations take a JSON body, as read from the embedded document.
    @Test func bodyRulesComeFromTheDocument() {
        let rules = DocumentRules.document
        #expect(rules.body(method: "POST", path: "/v1/orgs") == .required)
        #expect(rules.body(method: "PATCH", path: "/v1/orgs/{org}") == .required)
        #expect(rules.body(method: "PATCH", path: "/v1/orgs/:org") == .required)
        #expect(rules.body(method: "GET", path: "/v1/orgs") == nil)
        #expect(rules.body(method: "DELETE", path: "/v1/orgs/{org}") == nil)
        #expect(rules.bodies.count > 20, "\(rules.bodies.count) operations with a JSON body")
        // And which are public: `security: []` only.
        #expect(rules.isPublic(method: "POST", path: "/v1/auth/password-reset"))
        #expect(rules.isPublic(method: "GET", path: "/ready"))
        #expect(!rules.isPublic(method: "POST", path: "/v1/orgs/{org}/os/{os}/tokens"))
        #expect(!rules.isPublic(method: "GET", path: "/v1/orgs"))
    }
}
