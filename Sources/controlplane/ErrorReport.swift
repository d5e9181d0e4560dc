import ControlPlane
import Foundation

/// How the CLI reports a failure on stderr: one line `controlplane: error: …`, or under `--json`
/// one JSON object, `{"error":{"code":…,"message":…,"status":…}}`, so a script that asked for JSON
/// reads refusals the same way (docs/decisions.md, "The CLI's errors and questions").
///
/// The exit code does not change with the format: 1 refused, 2 a wrong command line.
enum ErrorReport {
    /// Whether the command line asked for JSON. Read from the arguments rather than the parsed
    /// command, because a refusal is printed deep in the HTTP client, and a command line that
    /// does not parse has no parsed command to ask.
    static let json = asksForJSON(CommandLine.arguments.dropFirst())

    /// `--json` before any `--` (after it, every word is a positional value).
    static func asksForJSON(_ arguments: some Sequence<String>) -> Bool {
        for argument in arguments {
            if argument == "--" { return false }
            if argument == "--json" { return true }
        }
        return false
    }

    /// Writes one failure to stderr.
    ///
    /// - Parameters:
    ///   - message: What went wrong, in words; the server's own message when it answered.
    ///   - code: The server's error code when it answered, else the CLI's own (`unreachable`,
    ///     `usage`, `not_confirmed`, `failed`).
    ///   - status: The HTTP status the server answered, `nil` when no answer came.
    static func write(_ message: String, code: String, status: Int?) {
        // Messages echo server answers and the caller's input: inert in both forms, as JSON
        // escapes only the C0 controls and stderr usually reaches a terminal.
        let inert = InertText.of(message, keepNewlines: true)
        let line: String
        if json {
            line = jsonLine(message: inert, code: InertText.of(code), status: status)
        } else {
            line = "controlplane: error: " + inert + (status.map { " (HTTP \($0))" } ?? "")
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// The JSON form on one line, keys sorted; `status` is `null` when no answer came.
    static func jsonLine(message: String, code: String, status: Int?) -> String {
        let detail: [String: Any] = ["code": code, "message": message, "status": status.map { $0 as Any } ?? NSNull()]
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: ["error": detail],
                options: [.sortedKeys, .withoutEscapingSlashes]
            )
        else { return #"{"error":{"code":"failed","message":"unprintable error","status":null}}"# }
        return String(decoding: data, as: UTF8.self)
    }
}
