// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "agentos-control-plane",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "AgentOSAuth", targets: ["AgentOSAuth"]),
        .library(name: "AgentOSAuthHummingbird", targets: ["AgentOSAuthHummingbird"]),
        .library(name: "AgentOSAuthHTTPClient", targets: ["AgentOSAuthHTTPClient"]),
        .library(name: "ControlPlane", targets: ["ControlPlane"]),
        .library(name: "ControlPlaneHTTP", targets: ["ControlPlaneHTTP"]),
        .executable(name: "controlplane", targets: ["controlplane"]),
        .executable(name: "demo-os", targets: ["demo-os"]),
        .library(name: "AgentOSGateway", targets: ["AgentOSGateway"]),
        .executable(name: "agentos-gateway", targets: ["agentos-gateway"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        // The gateway's relay of Agno's workflow WebSocket (docs/gateway.md).
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        // YAML → JSON for the embedded OpenAPI document, at build time only (OpenAPIEmbedder).
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // The API's types and server protocol, generated from openapi.yaml (docs/api.md).
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        // The CLI's transport: NIO's HTTP client. URLSession (libcurl) spins a core in the kernel
        // while it waits for an answer (docs/decisions.md, "The CLI on the generated client").
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client.git", from: "1.5.0"),
        // Child processes (PostgreSQL's tools, and the test suite's CLI, servers and Python): spawned
        // with no inherited descriptor but the standard three, and waited for without a thread.
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        // FilePath and FileDescriptor in Subprocess's API (Apple platforms have them as System).
        .package(url: "https://github.com/apple/swift-system.git", from: "1.5.0"),
    ],
    targets: [
        // The verifier an AgentOS embeds: swift-crypto and CoreMetrics, and no I/O (an OS passes
        // the fetcher of JWKS URLs and status lists in). JWS parsing is our own, so the header can
        // never pick a key or an algorithm.
        .target(
            name: "AgentOSAuth",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                // Decisions and JWKS fetches, for whatever backend the OS bootstraps.
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // The fetcher of JWKS URLs and status lists, over AsyncHTTPClient: kept out of the
        // verifier, which does no I/O of its own.
        .target(
            name: "AgentOSAuthHTTPClient",
            dependencies: [
                "AgentOSAuth",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AgentOSAuthHummingbird",
            dependencies: [
                "AgentOSAuth",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ControlPlane",
            dependencies: [
                "AgentOSAuth",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // Only to recognise the pool's own errors (a tripped circuit breaker) as an outage.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CompressNIO", package: "compress-nio"),
                // The group commits run as services in `serve`'s service group.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system", condition: .when(platforms: [.linux])),
                // RSA signatures on the system's OpenSSL 3, 2x BoringSSL's rate here (docs/performance.md).
                "COpenSSL",
            ],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(
            name: "ControlPlaneHTTP",
            dependencies: [
                "ControlPlane",
                "AgentOSAuth",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
            ],
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator"), "EmbedOpenAPIDocument"]
        ),
        // openapi.yaml → Swift source, run by the plugin below during the build.
        .executableTarget(
            name: "OpenAPIEmbedder",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .plugin(name: "EmbedOpenAPIDocument", capability: .buildTool(), dependencies: ["OpenAPIEmbedder"]),
        .executableTarget(
            name: "controlplane",
            dependencies: [
                "AgentOSAuth",
                "ControlPlane",
                "ControlPlaneHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings,
            // The client subcommands call the API through a client generated from the server's
            // document (Sources/controlplane/openapi.yaml links to it).
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .executableTarget(
            name: "demo-os",
            dependencies: [
                "AgentOSAuth",
                "AgentOSAuthHTTPClient",
                "AgentOSAuthHummingbird",
                "DemoOS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The example OS as a library, so tests can run it in-process.
        .target(
            name: "DemoOS",
            dependencies: [
                "AgentOSAuth",
                "AgentOSAuthHummingbird",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The verifier in front of any AgentOS (docs/gateway.md): a reverse proxy whose every
        // request the gate decides before it is forwarded. A library, so tests run it in process.
        .target(
            name: "AgentOSGateway",
            dependencies: [
                "AgentOSAuth",
                "AgentOSAuthHummingbird",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "agentos-gateway",
            dependencies: [
                "AgentOSAuth",
                "AgentOSAuthHTTPClient",
                "AgentOSAuthHummingbird",
                "AgentOSGateway",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test keys and hand-built tokens shared by the verifier's test targets.
        .target(
            name: "AgentOSAuthTestSupport",
            dependencies: [
                "AgentOSAuth",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            path: "Tests/AgentOSAuthTestSupport",
            swiftSettings: swiftSettings
        ),
        // Links AgentOSAuth alone: proves the verifier builds without Hummingbird or PostgresNIO.
        .testTarget(
            name: "AgentOSAuthTests",
            dependencies: [
                "AgentOSAuth",
                "AgentOSAuthTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AgentOSAuthHummingbirdTests",
            dependencies: [
                "AgentOSAuth",
                "AgentOSAuthHTTPClient",
                "AgentOSAuthTestSupport",
                "AgentOSAuthHummingbird",
                "DemoOS",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AgentOSGatewayTests",
            dependencies: [
                "AgentOSAuth",
                "AgentOSAuthTestSupport",
                "AgentOSGateway",
                "DemoOS",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ControlPlaneTests",
            dependencies: [
                "AgentOSAuthTestSupport",
                "ControlPlane",
                "ControlPlaneHTTP",
                "AgentOSAuth",
                "AgentOSAuthHummingbird",
                "DemoOS",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system", condition: .when(platforms: [.linux])),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
