// swift-tools-version:6.3
// Benchmarks live in their own package so `swift build`/`swift test` and CI never build
// package-benchmark. Run from this directory:
//   RUNTIME_INTERPOSER_LOCAL_PATH=$PWD/Stubs/swift-runtime-interposer swift package --disable-sandbox benchmark
// (swift-runtime-interposer is not mirrored on the build machines; the stub stands in for it.)
import Foundation
import PackageDescription

// A path dependency's identity is its directory name (the checkout's, not the package's name).
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "agentos-control-plane-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "VerifierBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "AgentOSAuth", package: root),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            path: "Benchmarks/VerifierBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        // Needs PostgreSQL server binaries (it starts an embedded cluster in a temporary directory).
        .executableTarget(
            name: "IssuanceBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "ControlPlane", package: root),
                .product(name: "AgentOSAuth", package: root),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/IssuanceBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
