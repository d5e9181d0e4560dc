import ControlPlane
import ControlPlaneHTTP
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Synchronization

/// A control plane on its own test database, driven through its router.
struct ControlPlaneHarness: Sendable {
    let services: ControlPlaneServices
    /// The test database (for checks of what is stored).
    let database: PostgresClient
    let client: any TestClientProtocol
    let adminKey: String
    let databaseName: String
    let clock: TestClock

    /// A settable clock shared by the services.
    /// Real time plus an offset, or — once `freeze()` is called — a fixed instant that only
    /// `advance` moves (TOTP tests: a loaded machine must not carry a test into the next step).
    final class TestClock: Sendable {
        private let state = Mutex<(offset: TimeInterval, frozen: Date?)>((0, nil))
        func now() -> Date { state.withLock { ($0.frozen ?? Date()).addingTimeInterval($0.offset) } }
        func advance(_ seconds: TimeInterval) { state.withLock { $0.offset += seconds } }
        func freeze() {
            state.withLock { state in
                if state.frozen == nil { state.frozen = Date() }
            }
        }
    }

    static let masterKeyBase64 = MasterKeys.generate()
    static let masterKeys = try! MasterKeys(base64Keys: [masterKeyBase64])

    static let settings = ControlPlaneSettings(
        maxTokenLifetime: 3600,
        jwksMaxAge: 300,
        issuer: "https://cp.test",
        defaultTokenLifetime: 900
    )

    /// The repository's `Console/`.
    static var consoleDirectory: URL {
        TestCluster.migrationsDirectory.deletingLastPathComponent().appendingPathComponent("Console")
    }

    /// A control plane on a fresh database; `live` serves it on a real socket (`client.port`).
    static func run(
        live: Bool = false,
        settings: ControlPlaneSettings = settings,
        _ body: @Sendable (ControlPlaneHarness) async throws -> Void
    ) async throws {
        try await withRouter(settings: settings) { router, harness in
            let app = Application(
                router: router,
                configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                logger: TestCluster.logger
            )
            try await app.test(live ? .live : .router) { client in try await body(harness(client)) }
        }
    }

    /// The router of a control plane on its own test database (a superuser key made, the group
    /// commits running) while `body` runs; `body` serves it and gets the harness for its client.
    /// `run` serves it in process; a test that needs a fixed address serves it itself.
    static func withRouter(
        settings: ControlPlaneSettings,
        _ body: @Sendable (Router<APIRequestContext>, @Sendable (any TestClientProtocol) -> ControlPlaneHarness) async throws -> Void
    ) async throws {
        try await TestCluster.withNamedDatabase { postgres, _, name in
            let clock = TestClock()
            let services = ControlPlaneServices(
                client: postgres,
                masterKeys: masterKeys,
                settings: settings,
                logger: TestCluster.logger,
                now: { clock.now() }
            )
            let adminKey = try await services.authentication.createSuperuserKey(name: "test admin")
            let router = ControlPlaneServer.buildRouter(
                .init(
                    client: postgres,
                    services: services,
                    migrations: .init(migrations: try TestCluster.migrations),
                    console: try ConsoleAssets(directory: consoleDirectory)
                )
            )
            try await services.withBackgroundServices {
                try await body(router) { client in
                    ControlPlaneHarness(
                        services: services,
                        database: postgres,
                        client: client,
                        adminKey: adminKey,
                        databaseName: name,
                        clock: clock
                    )
                }
            }
        }
    }

    struct Reply: Sendable {
        var status: Int
        var headers: HTTPFields
        var body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    }

    /// Sends a request; `json` is encoded as the body with `Content-Type: application/json`.
    @discardableResult
    func send(
        _ method: HTTPRequest.Method,
        _ uri: String,
        json: Any? = nil,
        raw: String? = nil,
        form: String? = nil,
        contentType: String? = nil,
        key: String?? = .none,
        headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = extra
        let credential: String? = key ?? adminKey
        if let credential { headers[.authorization] = "Bearer \(credential)" }
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = contentType ?? "application/json"
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
        } else if let form {
            headers[.contentType] = contentType ?? "application/x-www-form-urlencoded"
            body = ByteBuffer(string: form)
        } else if let raw {
            // `contentType: ""` sends no Content-Type at all.
            if contentType != "" { headers[.contentType] = contentType ?? "application/json" }
            body = ByteBuffer(string: raw)
        }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            Reply(status: Int(response.status.code), headers: response.headers, body: Data(response.body.readableBytesView))
        }
    }
}
