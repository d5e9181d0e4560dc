import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ControlPlane
@testable import ControlPlaneHTTP

extension SystemTests {
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
                let components = try #require(reply.json["components"] as? [String: [String: Any]])
                for ref in Set(Self.refs(in: reply.json)) {
                    let parts = ref.split(separator: "/").map(String.init)
                    #expect(parts.count == 4 && parts[0] == "#" && components[parts[2]]?[parts[3]] != nil, "dangling \(ref)")
                }
            }
        }

        /// The repository's document, the one the server embeds at build time.
        static let documentPath = TestCluster.migrationsDirectory.deletingLastPathComponent()
            .appendingPathComponent("Sources/ControlPlaneHTTP/openapi.yaml").path

        /// `openapi.yaml` is a valid OpenAPI 3.1 document (openapi-spec-validator, from PyPI).
        @Test func documentValidates() async throws {
            let python = try await PythonEnvironment.python(installing: "openapi-spec-validator==0.9.0", marker: "openapi_spec_validator")
            let validator = URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent("openapi-spec-validator").path
            let result = try await PythonEnvironment.run(validator, [Self.documentPath])
            #expect(result.status == 0 && result.output.contains(": OK"), "\(result.output.prefix(3000))")
        }

        /// Every operation has a `description`, and every schema's `example` validates against its
        /// schema (Python's `jsonschema`, Draft 2020-12, formats checked: `Tests/Scripts/validate_examples.py`).
        @Test func operationsAreDescribedAndExamplesValidate() async throws {
            let python = try await PythonEnvironment.python(
                installing: "openapi-spec-validator==0.9.0",
                marker: "openapi_spec_validator, jsonschema, yaml, rfc3339_validator"
            )
            let script = TestCluster.migrationsDirectory.deletingLastPathComponent().appendingPathComponent(
                "Tests/Scripts/validate_examples.py"
            ).path
            let result = try await PythonEnvironment.run(python, [script, Self.documentPath])
            #expect(result.status == 0, "\(result.output.suffix(4000))")
            // Every component schema carries an example today; fewer means one was dropped.
            #expect(result.output.contains("checked 86 operations and 53 examples, 0 problems"), "\(result.output.suffix(1000))")
        }

        /// `/openapi.yaml` serves the repository file byte for byte, and `/openapi.json` the same
        /// document (compared by PyYAML and Python's json, not by our own conversion).
        @Test func servedDocumentsAreTheRepositoryFile() async throws {
            try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
                let yaml = try await cp.send(.get, "/openapi.yaml", key: .some(nil))
                #expect(yaml.status == 200 && yaml.headers[.contentType] == "application/yaml; charset=utf-8")
                #expect(yaml.text == (try String(contentsOfFile: Self.documentPath, encoding: .utf8)), "served YAML differs from the file")
                let json = try await cp.send(.get, "/openapi.json", key: .some(nil))
                #expect(json.status == 200 && json.headers[.contentType] == "application/json; charset=utf-8")
                let served = NSTemporaryDirectory() + "openapi-\(UUID().uuidString).json"
                try json.body.write(to: URL(fileURLWithPath: served))
                defer { unlink(served) }
                let python = try await PythonEnvironment.python(
                    installing: "openapi-spec-validator==0.9.0",
                    marker: "openapi_spec_validator"
                )
                let compare =
                    "import json, sys, yaml; sys.exit(0 if yaml.safe_load(open(sys.argv[1])) == json.load(open(sys.argv[2])) else 1)"
                let same = try await PythonEnvironment.run(python, ["-c", compare, Self.documentPath, served])
                #expect(same.status == 0, "/openapi.json is not the YAML document: \(same.output)")
            }
        }

        /// Every operation describes its failures in the error envelope (`Error`, or RFC 6749's
        /// `OAuthError` on the token endpoint), directly or through `components/responses`.
        @Test func everyOperationDescribesTheErrorEnvelope() async throws {
            try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
                let document = try await cp.send(.get, "/openapi.json", key: .some(nil)).json
                let components = try #require(document["components"] as? [String: Any])
                let shared = try #require(components["responses"] as? [String: [String: Any]])
                let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
                var operations = 0
                for (path, methods) in paths {
                    for (method, operation) in methods {
                        operations += 1
                        let responses = operation["responses"] as? [String: [String: Any]] ?? [:]
                        // Each failure's schema: a `$ref`, or the branches of a `oneOf` (`/ready`'s 503 is
                        // its own readiness body, or the envelope when the deadline passed first).
                        let envelopes = responses.filter { $0.key == "default" || $0.key >= "400" }.map { _, response -> [String] in
                            let resolved =
                                (response["$ref"] as? String).flatMap { shared[String($0.split(separator: "/").last ?? "")] } ?? response
                            let content = resolved["content"] as? [String: [String: Any]]
                            let schema = content?["application/json"]?["schema"] as? [String: Any]
                            let branches = (schema?["oneOf"] as? [[String: Any]]) ?? schema.map { [$0] } ?? []
                            return branches.compactMap { $0["$ref"] as? String }
                        }
                        #expect(
                            !envelopes.isEmpty
                                && envelopes.allSatisfy { refs in refs.contains { $0.hasSuffix("/Error") || $0.hasSuffix("/OAuthError") } },
                            "\(method.uppercased()) \(path): \(envelopes)"
                        )
                    }
                }
                #expect(operations > 70)
            }
        }

        /// docs/api.md's recipe: openapi-python-client generates a client from the served document,
        /// and the client creates and lists organisations against the live server.
        @Test func aGeneratedPythonClientTalksToTheServer() async throws {
            let python = try await PythonEnvironment.python(installing: "openapi-python-client==0.29.1", marker: "openapi_python_client")
            let generator = URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent("openapi-python-client").path
            try await ControlPlaneHarness.run(live: true) { (cp: ControlPlaneHarness) async throws in
                let work = try makeTemporaryDirectory(prefix: "cpy")
                defer { try? FileManager.default.removeItem(at: work) }
                let base = "http://127.0.0.1:\(try #require(cp.client.port))"
                let generated = try await PythonEnvironment.run(
                    generator,
                    [
                        "generate", "--url", base + "/openapi.json", "--meta", "none", "--output-path",
                        work.appendingPathComponent("cp_client").path,
                    ]
                )
                #expect(generated.status == 0, "\(generated.output.suffix(2000))")
                let script = """
                    import sys
                    sys.path.insert(0, sys.argv[1])
                    from cp_client import AuthenticatedClient
                    from cp_client.api.orgs import create_organization, list_organizations
                    from cp_client.models import CreateOrganizationBody
                    client = AuthenticatedClient(base_url=sys.argv[2], token=sys.argv[3])
                    created = create_organization.sync_detailed(client=client, body=CreateOrganizationBody(slug="acme", name="Acme"))
                    print(created.status_code, [org.slug for org in list_organizations.sync(client=client).organizations])
                    """
                let ran = try await PythonEnvironment.run(python, ["-c", script, work.path, base, cp.adminKey])
                #expect(
                    ran.status == 0 && ran.output.contains("201 ['acme']"),
                    "\(ran.output.suffix(2000).replacingOccurrences(of: cp.adminKey, with: "<admin key>"))"
                )
            }
        }

        /// docs/api.md's route table names every operation of the document, and nothing else.
        @Test func apiDocumentationListsEveryOperation() async throws {
            try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
                let paths = try #require(
                    try await cp.send(.get, "/openapi.json", key: .some(nil)).json["paths"] as? [String: [String: Any]]
                )
                let documented = Set(paths.flatMap { path, methods in methods.keys.map { "\($0.uppercased()) \(Self.normalise(path))" } })
                let markdown = try String(
                    contentsOf: TestCluster.migrationsDirectory.deletingLastPathComponent().appendingPathComponent("docs/api.md"),
                    encoding: .utf8
                )
                var listed: Set<String> = []
                let verbs: Set<String> = ["GET", "POST", "PUT", "PATCH", "DELETE"]
                for line in markdown.split(separator: "\n") where line.hasPrefix("| ") {
                    // `\|` is a pipe inside a cell.
                    let cells = line.replacingOccurrences(of: "\\|", with: "¦").split(separator: "|").map {
                        $0.trimmingCharacters(in: .whitespaces)
                    }
                    guard cells.count > 1 else { continue }
                    let methods = cells[0].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    guard methods.allSatisfy(verbs.contains) else { continue }
                    let code = cells[1].split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }
                    for (_, path) in code {
                        let bare = String(path.prefix { $0 != "?" })
                        for method in methods { listed.insert("\(method) \(Self.normalise(bare))") }
                    }
                }
                #expect(documented.subtracting(listed).sorted() == [], "in openapi.yaml, not in docs/api.md")
                #expect(listed.subtracting(documented).sorted() == [], "in docs/api.md, not in openapi.yaml")
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
}
