import Foundation

/// base64url (RFC 4648 §5) without padding, as JOSE uses it.
public enum Base64URL {
    /// Encodes `data` without padding.
    public static func encode(_ data: some Sequence<UInt8>) -> String {
        // On the bytes: Foundation's base64 plus three string replacements walked each token
        // four times on the control plane's signing path.
        let bytes = Array(data)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
            output.append(alphabet[Int(chunk >> 6 & 63)])
            output.append(alphabet[Int(chunk & 63)])
            index += 3
        }
        switch bytes.count - index {
        case 1:
            let chunk = UInt32(bytes[index]) << 16
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
        case 2:
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
            output.append(alphabet[Int(chunk >> 6 & 63)])
        default:
            break
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Decodes canonical unpadded base64url (RFC 4648 §3.5); `nil` for anything else.
    ///
    /// Refused: characters outside the alphabet (padding `=` included), a length of 4n + 1, and
    /// non-zero unused bits in the last character. Without the last rule every value would have
    /// several encodings, and anything keyed on the encoded string (a token cache, a deny-list)
    /// could be sidestepped by re-encoding.
    public static func decode(_ text: Substring) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in text.utf8 {
            guard let value = sextet(byte) else { return nil }
            buffer = (buffer << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        // 6 leftover bits can never come from a whole number of bytes; 2 or 4 must be zero.
        if bits >= 6 || buffer & ((1 << UInt32(bits)) - 1) != 0 { return nil }
        return output
    }

    /// Whether `text` ends as a canonical encoding does (length not 4n + 1, unused bits of the
    /// last character zero), without decoding it. The alphabet is checked when it is decoded.
    static func hasCanonicalEnd(_ text: Substring) -> Bool {
        let utf8 = text.utf8
        switch utf8.count % 4 {
        case 0: return true
        case 1: return false
        case let remainder:
            guard let last = utf8.last, let value = sextet(last) else { return false }
            // 2 characters carry 1 byte (4 unused bits), 3 characters carry 2 bytes (2 unused bits).
            let unusedMask: UInt8 = remainder == 2 ? 0x0F : 0x03
            return value & unusedMask == 0
        }
    }

    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "-"): 62
        case UInt8(ascii: "_"): 63
        default: nil
        }
    }
}
