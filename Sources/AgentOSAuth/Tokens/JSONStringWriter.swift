/// Writes a JSON string (RFC 8259 §7) onto bytes, for the package's hand-written JSON (the
/// control plane's token claims, demo-os's answers), which skips Foundation's encoders on hot paths.
///
/// `package`, not `public`: an OS that links this library gets no JSON writer it did not ask for.
package enum JSONStringWriter {
    /// Appends `value` quoted and escaped: `"` and `\`, control characters (`\n`, `\r`, `\t`,
    /// `\b`, `\f`, else `\u00XX`) and, with `escapingSlashes`, `/` as `\/` (`JSONSerialization`'s
    /// habit, which demo-os keeps byte for byte). Everything else, UTF-8 included, is copied.
    package static func append(_ value: String, escapingSlashes: Bool = false, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "/") where escapingSlashes: out.append(contentsOf: #"\/"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0x08: out.append(contentsOf: #"\b"#.utf8)
            case 0x0C: out.append(contentsOf: #"\f"#.utf8)
            case 0..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
