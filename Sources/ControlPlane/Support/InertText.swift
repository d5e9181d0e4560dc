/// Text made inert for a terminal: every control or formatting character
/// (Unicode Cc, Cf — ESC, OSC, bidi overrides and isolates — and the line/paragraph separators)
/// is shown as a `\u{…}` escape, so a name chosen by someone else can neither clear the screen,
/// write the clipboard (OSC 52) nor reorder what the admin reads (CWE-150; docs/security.md,
/// "Names are inert text"). ``isControl(_:)`` is also the rule names are refused by at input
/// (`Validation.printable`); rows written before that rule, and echoes of hostile input in error
/// messages, reach the CLI through ``of(_:keepNewlines:)``.
public enum InertText {
    /// `keepNewlines` keeps `\n` for multi-line values the CLI indents itself (a PEM).
    public static func of(_ text: String, keepNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && !(keepNewlines && $0 == "\n") }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) && !(keepNewlines && scalar == "\n") {
                result += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Unicode Cc, Cf and the line and paragraph separators.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
