import AgentOSAuth
import Foundation
import Testing

/// One CLI invocation of a scenario and what it must print, and the runner that checks them.
extension SystemTests.CLITests {
    struct Step: Sendable, CustomStringConvertible {
        var args: [String]
        var exit: Int32 = 0
        /// Substrings of stdout.
        var out: [String] = []
        var notOut: [String] = []
        /// Substrings of stderr.
        var err: [String] = []
        /// stdout must match this whole (a regular expression).
        var matches: String?
        /// Values in stdout parsed as JSON, by dotted path (numbers index arrays).
        var json: [(String, JSONValue)] = []
        /// Values to remember for later steps' `{name}`: a JSON path, or "" for the whole trimmed stdout.
        var capture: [(String, String)] = []
        var stdin: String?
        var description: String { "controlplane " + args.joined(separator: " ") }
    }

    /// Runs steps in order, checking each one's exit code, output and captures.
    static func run(_ steps: [Step], cp: ControlPlaneHarness, environment: [String: String], captured: inout [String: String]) async throws
    {
        for step in steps {
            let filled = captured
            func fill(_ text: String) -> String {
                filled.reduce(text) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
            }
            let output = try await CLI.run(step.args.map(fill), environment: environment, stdin: step.stdin.map(fill))
            let context = "\(step)\nstdout: \(output.stdout)\nstderr: \(output.stderr)"
            #expect(output.status == step.exit, Comment(rawValue: context))
            for text in step.out { #expect(output.stdout.contains(fill(text)), Comment(rawValue: context)) }
            for text in step.notOut { #expect(!output.stdout.contains(fill(text)), Comment(rawValue: context)) }
            for text in step.err { #expect(output.stderr.contains(fill(text)), Comment(rawValue: context)) }
            if let pattern = step.matches {
                #expect(output.stdout.wholeMatch(of: try Regex(pattern)) != nil, Comment(rawValue: context))
            }
            // A success writes to stderr only what the step expects there (advice, never an error).
            if step.exit == 0 && step.err.isEmpty { #expect(output.stderr.isEmpty, Comment(rawValue: context)) }
            // Never the admin key, never a stack trace.
            #expect(!(output.stdout + output.stderr).contains(cp.adminKey))
            #expect(!output.stderr.contains("Fatal error") && !output.stderr.contains("Stack dump"), Comment(rawValue: context))
            let parsed = JSONValue(parsing: Array(output.stdout.utf8))
            for (path, expected) in step.json {
                #expect(parsed.flatMap { Self.value($0, at: path) } == expected, Comment(rawValue: "\(path)\n\(context)"))
            }
            for (name, path) in step.capture {
                let value: String? =
                    if path.isEmpty { output.stdout.trimmingCharacters(in: .whitespacesAndNewlines) } else {
                        parsed.flatMap { Self.value($0, at: path)?.stringValue }
                    }
                guard let value else {
                    Issue.record(Comment(rawValue: "nothing to capture as \(name)\n\(context)"))
                    return
                }
                captured[name] = value
            }
        }
    }

    static func value(_ json: JSONValue, at path: String) -> JSONValue? {
        var current: JSONValue? = json
        for key in path.split(separator: ".") {
            switch current {
            case .object(let object)?: current = object[String(key)]
            case .array(let array)?: current = Int(key).flatMap { array.indices.contains($0) ? array[$0] : nil }
            default: return nil
            }
        }
        return current
    }
}
