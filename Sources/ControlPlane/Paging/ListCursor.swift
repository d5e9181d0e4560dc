import AgentOSAuth
import Foundation

/// The opaque cursors of list pages: base64url of the list's name and the sort key of the last
/// item of the page before.
///
/// Not signed, on purpose: a cursor is only a position in a list the caller may read anyway.
/// Every store query stays scoped to the caller's organisation (or account), so an edited cursor
/// can only skip within what the caller already sees (docs/security.md, "Lists page"). A cursor
/// of another list, or bytes that are no cursor, are a 400 naming the problem.
enum ListCursor {
    /// The lists that page, each with its sort key's arity.
    enum List: String, Sendable {
        case members = "m"
        case invitations = "i"
        case serviceAccounts = "s"
        case roles = "r"
        case bindings = "b"
        case grants = "g"
        case oses = "o"
        case organizations = "org"
        case apiKeys = "k"
        case superuserKeys = "su"
        case sessions = "ses"
        case signingKeys = "sk"

        var arity: Int {
            switch self {
            case .members, .oses, .organizations: 1
            default: 2
            }
        }
    }

    /// Separates the name and the fields: a control character no key holds (names are inert
    /// text, docs/security.md).
    private static let separator: Character = "\u{1F}"

    /// A cursor that is not one of the list's.
    static let foreign = ControlPlaneError.invalid("cursor is not one of this list's (take it from this list's next_cursor)")

    static func encode(_ list: List, _ key: [String]) -> String {
        Base64URL.encode(Array(([list.rawValue] + key).joined(separator: String(separator)).utf8))
    }

    static func decode(_ cursor: String, list: List) throws -> [String] {
        guard let bytes = Base64URL.decode(Substring(cursor)), let text = String(validating: bytes, as: UTF8.self) else {
            throw ControlPlaneError.invalid("cursor is not a cursor (take it from next_cursor)")
        }
        // No key holds a control character: one here (a NUL would reach the query) is no cursor.
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 && Character($0) != separator }) else {
            throw ControlPlaneError.invalid("cursor is not a cursor (take it from next_cursor)")
        }
        let parts = text.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
        guard parts.first == list.rawValue, parts.count == list.arity + 1 else { throw foreign }
        return Array(parts.dropFirst())
    }
}
