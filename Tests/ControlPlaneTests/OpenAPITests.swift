import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import ControlPlane
@testable import ControlPlaneHTTP

@Suite("OpenAPI document")
struct OpenAPITests {
    /// Every route registered in the router is documented, and every documented route exists.
    @Test func documentMatchesTheRouter() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let router = ControlPlaneServer.buildRouter(
                .init(client: cp.database, services: cp.services, migrations: .init(migrations: try TestCluster.migrations))
            )
            let registered = Set(router.routes.map { "\($0.method.rawValue) \(Self.normalise("\($0.path)"))" })
            let reply = try await cp.send(.get, "/openapi.json", key: .some(nil))
            #expect(reply.status == 200)
            #expect(reply.json["openapi"] as? String == "3.1.0")
            let paths = try #require(reply.json["paths"] as? [String: [String: Any]])
            var documented: Set<String> = []
            for (path, operations) in paths {
                for method in operations.keys { documented.insert("\(method.uppercased()) \(Self.normalise(path))") }
            }
            #expect(registered.count > 40)
            #expect(registered.subtracting(documented).sorted() == [], "registered but not documented")
            #expect(documented.subtracting(registered).sorted() == [], "documented but not registered")
            // Every operation names its responses, and every $ref resolves.
            let schemas = try #require((reply.json["components"] as? [String: Any])?["schemas"] as? [String: Any])
            for ref in Self.refs(in: reply.json) {
                #expect(schemas[String(ref.dropFirst("#/components/schemas/".count))] != nil, "dangling \(ref)")
            }
        }
    }

    /// `{org}` and `:org` alike, so the comparison is about shape, not parameter names.
    static func normalise(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") || segment.hasPrefix(":") ? "{}" : String(segment)
        }.joined(separator: "/")
    }

    static func refs(in value: Any) -> [String] {
        switch value {
        case let object as [String: Any]:
            let own = (object["$ref"] as? String).map { [$0] } ?? []
            return own + object.values.flatMap(refs(in:))
        case let array as [Any]:
            return array.flatMap(refs(in:))
        default:
            return []
        }
    }
}
