import AgentOSAuth
import Benchmark
import ControlPlane
import Crypto
import CryptoExtras
import Foundation
import Logging
import PostgresNIO

// Issuing a token through the use case (one query: caller, OS, subject, effective scopes; then
// the signature with the cached signer), next to the raw signature cost of the same algorithm
// measured in the same run. PostgreSQL is a real embedded cluster on a Unix socket.

struct IssuanceFixture: Sendable {
    let services: ControlPlaneServices
    let caller: Caller
    let subject: String
}

let logger = Logger(label: "bench")
nonisolated(unsafe) var clusterDirectory: String?

func makeFixture() async throws -> [String: IssuanceFixture] {
    let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("cpb-\(UUID().uuidString.prefix(8))")
    let cluster = try EmbeddedPostgres(dataDirectory: directory, fsync: false)
    try cluster.start(logger: logger)
    clusterDirectory = directory.path
    atexit {
        guard let path = clusterDirectory, let cluster = try? EmbeddedPostgres(dataDirectory: URL(fileURLWithPath: path)) else { return }
        try? cluster.stop()
        try? FileManager.default.removeItem(atPath: path)
    }
    try await DatabaseStartup.createDatabaseIfMissing(
        "bench",
        maintenance: cluster.clientConfiguration(database: "postgres"),
        logger: logger
    )
    let client = PostgresClient(configuration: cluster.clientConfiguration(database: "bench"), backgroundLogger: logger)
    Task { await client.run() }
    let migrations = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Migrations")
    try await MigrationRunner(migrations: try Migration.load(from: migrations)).run(on: client, logger: logger)
    let services = ControlPlaneServices(client: client, masterKeys: try MasterKeys(base64Keys: [MasterKeys.generate()]), logger: logger)
    // Issuance waits on the group commits, which run as services (as the client does here).
    for service in services.backgroundServices { Task { try await service.run() } }
    let caller = try await services.authentication.authenticate(bearer: try await services.authentication.createSuperuserKey(name: "bench"))
    _ = try await services.organizations.create(by: caller, slug: "acme", name: "Acme")
    let access = try await services.organizations.access(caller, org: "acme")
    let (member, _) = try await services.members.add(access, email: "alice@acme.test", name: "Alice", role: .member)
    let subject = member.user.id.uuidString.lowercased()
    _ = try await services.accessControl.createBinding(access, subject: .user(subject), role: "os-viewer", os: nil)
    var fixtures: [String: IssuanceFixture] = [:]
    for algorithm in [SigningAlgorithm.rs256, .es256] {
        let os = "os-\(algorithm.name.lowercased())"
        _ = try await services.osRegistry.register(access, id: os, name: os, url: nil, authorization: true, algorithm: algorithm)
        _ = try await services.accessControl.createGrant(access, os: os, subject: .user(subject), scope: "agents:web-agent:run")
        fixtures[algorithm.name] = IssuanceFixture(services: services, caller: caller, subject: subject)
    }
    return fixtures
}

let fixtureTask = Task { try await makeFixture() }

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(3))
    let rsa = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    let p256 = P256.Signing.PrivateKey()
    let input = Data(String(repeating: "x", count: 420).utf8)  // about the size of a token's signing input
    Benchmark("RS256 raw signature (RSA-2048 sign)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try rsa.signature(for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5)) }
    }
    Benchmark("ES256 raw signature (P-256 sign)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try p256.signature(for: input)) }
    }
    for algorithm in ["RS256", "ES256"] {
        Benchmark("\(algorithm) issue token (effective-scope query + sign)") { benchmark in
            let fixture = try await fixtureTask.value[algorithm]!
            let os = "os-\(algorithm.lowercased())"
            let request = TokenRequest(subject: fixture.subject)
            _ = try await fixture.services.tokens.issue(fixture.caller, org: "acme", os: os, request: request)  // warms the signer cache
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try await fixture.services.tokens.issue(fixture.caller, org: "acme", os: os, request: request))
            }
        }
    }
}
