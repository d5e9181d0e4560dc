// swift-tools-version:6.2
// libFuzzer targets for the verifier's parsers, in their own package so `swift build`/`swift
// test` and CI never build them. Build and run one with scripts/fuzz.sh TARGET SECONDS
// (docs/operations.md, fuzzing); each is built with -sanitize=fuzzer,address.
import Foundation
import PackageDescription

// A path dependency's identity is its directory name (the checkout's, not the package's name).
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let targets = ["FuzzJWS", "FuzzJWKS", "FuzzPEM", "FuzzScopes", "FuzzPaths"]

let package = Package(
    name: "agentos-control-plane-fuzz",
    platforms: [.macOS(.v15)],
    products: targets.map { .executable(name: $0, targets: [$0]) },
    dependencies: [.package(path: "..")],
    targets: [.target(name: "FuzzDriver")]
        + targets.map {
            // `@testable`: the compact-JWS splitter and the JSON parser are internal to AgentOSAuth
            // (so a release build passes -enable-testing; see scripts/fuzz.sh).
            .executableTarget(
                name: $0,
                dependencies: [.product(name: "AgentOSAuth", package: root), "FuzzDriver"]
            )
        }
)
