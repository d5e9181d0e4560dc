import Foundation
import HTTPTypes
import Testing

/// One caller's control plane, set up by the superuser key, and the values the rows' placeholders
/// (`<name>`) stand for. Every caller gets the same organisations, people and objects; only the
/// credential and the caller's own spare session and API key differ.
struct MatrixFixture: Sendable {
    let caller: MatrixCaller
    /// The `Authorization` bearer the caller sends; nil: none at all.
    let credential: String?
    let values: [String: MatrixJSON]

    func value(_ name: String) throws -> MatrixJSON {
        guard let value = values[name] else { throw MatrixFixtureError(message: "the fixture has no <\(name)>") }
        return value
    }

    /// `text` with every `<name>` replaced by the fixture's string value (percent-encoded for a form).
    func fill(_ text: String, form: Bool = false) throws -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            result += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            guard case .string(let value) = try value(name) else {
                throw MatrixFixtureError(message: "<\(name)> is not a string")
            }
            result += form ? (value.addingPercentEncoding(withAllowedCharacters: Self.formValue) ?? value) : value
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    private static let formValue = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))

    /// Sends `row` as this fixture's caller.
    func send(_ row: MatrixRow, on cp: ControlPlaneHarness) async throws -> ControlPlaneHarness.Reply {
        let path = try fill(row.path)
        switch row.body {
        case .json(let json):
            return try await cp.send(row.method, path, json: try json.foundation(value), key: .some(credential))
        case .form(let form):
            return try await cp.send(row.method, path, form: try fill(form, form: true), key: .some(credential))
        case nil:
            return try await cp.send(row.method, path, key: .some(credential))
        }
    }
}

struct MatrixFixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
