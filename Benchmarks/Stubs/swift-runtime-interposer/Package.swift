// swift-tools-version:6.0
// Stand-in for ordo-one/swift-runtime-interposer, which is not mirrored here. package-benchmark
// only links it with its "RuntimeInterposer" trait, which the benchmarks leave off.
import PackageDescription

let package = Package(
    name: "swift-runtime-interposer",
    products: [.library(name: "SwiftRuntimeInterposerSwift", targets: ["SwiftRuntimeInterposerSwift"])],
    targets: [.target(name: "SwiftRuntimeInterposerSwift")]
)
