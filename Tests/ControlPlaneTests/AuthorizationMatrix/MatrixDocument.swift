import Foundation
import HTTPTypes

/// The matrix's two documents: openapi.yaml, whose operations it must cover, and the Markdown
/// section it renders into docs/access.md and docs/api.md.
enum MatrixDocument {
    struct Operation: Hashable, Sendable, CustomStringConvertible {
        var id: String
        var method: String
        var path: String
        var description: String { "\(id) \(method) \(path)" }
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let contract = root.appendingPathComponent("Sources/ControlPlaneHTTP/openapi.yaml")
    static let documents = ["docs/access.md", "docs/api.md"].map { root.appendingPathComponent($0) }
    static let begin = "<!-- authorization-matrix:begin -->"
    static let end = "<!-- authorization-matrix:end -->"

    /// The operations of openapi.yaml as written: a path is a two-space key under `paths:`, an
    /// operation a four-space HTTP method under it, with its six-space `operationId`. (The test
    /// target has no YAML parser; `operations(json:)` of the embedded document checks this scan.)
    static func operations(yaml: String) -> [Operation] {
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]
        var result: [Operation] = []
        var inPaths = false
        var path: String?
        var method: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" "), !line.isEmpty, !line.hasPrefix("#") { inPaths = line == "paths:" }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   "), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
                method = nil
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let key = String(line.dropFirst(4).dropLast())
                method = methods.contains(key) ? key.uppercased() : nil
            } else if let path, let current = method, line.hasPrefix("      operationId:") {
                let id = line.dropFirst("      operationId:".count).trimmingCharacters(in: .whitespaces)
                result.append(Operation(id: id.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")), method: current, path: path))
                method = nil
            }
        }
        return result
    }

    /// The operations of a document in JSON (the one the build embedded).
    static func operations(json: String) -> [Operation] {
        let document = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        return paths.flatMap { path, operations in
            operations.compactMap { method, operation in
                ((operation as? [String: Any])?["operationId"] as? String).map {
                    Operation(id: $0, method: method.uppercased(), path: path)
                }
            }
        }
    }

    /// Whether a row's concrete path (query and all) is an instance of a document's path template.
    static func matches(template: String, path: String) -> Bool {
        let concrete = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        let want = template.split(separator: "/", omittingEmptySubsequences: false)
        let have = concrete.split(separator: "/", omittingEmptySubsequences: false)
        guard want.count == have.count else { return false }
        return zip(want, have).allSatisfy { template, segment in
            (template.hasPrefix("{") && template.hasSuffix("}") && !segment.isEmpty) || template == segment
        }
    }

    /// The generated section, markers included.
    static func markdown(_ rows: [MatrixRow]) -> String {
        var lines = [
            begin,
            "<!-- Generated from Tests/ControlPlaneTests/AuthorizationMatrix (docs/testing.md: CONTROLPLANE_UPDATE_DOCS=1). -->",
            "",
            "`AuthorizationMatrixTests` sends every request below as each of these callers, on a control plane of",
            "its own with organisations `acme` and `other`, and checks every status, the error code of every",
            "refusal (one per status, docs/api.md) and that a refused change leaves the database as it was.",
            "Beyond who may: no",
            "credential is 401 on any operation that is not public; under an organisation, non-members and",
            "invited members get 404, disabled members and service accounts (except for tokens) 403, and the",
            "superuser key may do everything. Operations of one's own account answer 400 to a credential",
            "that is not a user's (the superuser key, a service account). `<name>` is an object of the",
            "fixture.",
            "",
            "| Caller | Who | Credential |",
            "|---|---|---|",
        ]
        for caller in MatrixCaller.allCases {
            lines.append("| \(caller.rawValue) | \(caller.summary) | \(caller.credential.rawValue) |")
        }
        lines += ["", "| Operation | Request | Who may |", "|---|---|---|"]
        for row in rows {
            let operation = "`\(row.operation)`" + (row.variant.map { " (\($0))" } ?? "")
            lines.append("| \(operation) | `\(row.method.rawValue) \(row.path)` | \(row.permission) |")
        }
        lines.append(end)
        return lines.joined(separator: "\n")
    }

    /// The section of `text` from the begin marker to the end marker, both included.
    static func section(of text: String) -> Range<String.Index>? {
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex) else {
            return nil
        }
        return start.lowerBound..<stop.upperBound
    }
}
