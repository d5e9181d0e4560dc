import HTTPTypes
import Hummingbird

/// A JSON value written straight to bytes, keys sorted as `JSONSerialization`'s `.sortedKeys`
/// wrote them.
///
/// demo-os exists to show the verifier's cost, so its handlers must not hide it:
/// `JSONSerialization` over `[String: Any]` bridged every dictionary to `NSDictionary` and cast each
/// value dynamically, a quarter of an authorised `GET /agents` (docs/performance.md).
indirect enum JSONBody: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([JSONBody])
    case object([(String, JSONBody)])

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: JSONBody...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSONBody)...) { self = .object(elements) }
    init(nilLiteral: ()) { self = .null }

    /// A string, or `null` for `nil`.
    static func optional(_ value: String?) -> JSONBody { value.map(JSONBody.string) ?? .null }

    func write(to buffer: inout ByteBuffer) {
        switch self {
        case .string(let value): Self.write(string: value, to: &buffer)
        case .int(let value): buffer.writeString(String(value))
        case .bool(let value): buffer.writeStaticString(value ? "true" : "false")
        case .null: buffer.writeStaticString("null")
        case .array(let elements):
            buffer.writeInteger(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                element.write(to: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "]"))
        case .object(let members):
            buffer.writeInteger(UInt8(ascii: "{"))
            for (index, member) in members.sorted(by: { $0.0 < $1.0 }).enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                Self.write(string: member.0, to: &buffer)
                buffer.writeInteger(UInt8(ascii: ":"))
                member.1.write(to: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "}"))
        }
    }

    /// RFC 8259 string escaping, `/` escaped as `JSONSerialization` does.
    private static func write(string: String, to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "/"): buffer.writeStaticString("\\/")
            case 0x0A: buffer.writeStaticString("\\n")
            case 0x0D: buffer.writeStaticString("\\r")
            case 0x09: buffer.writeStaticString("\\t")
            case 0x08: buffer.writeStaticString("\\b")
            case 0x0C: buffer.writeStaticString("\\f")
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                buffer.writeStaticString("\\u00")
                buffer.writeInteger(hex[Int(byte >> 4)])
                buffer.writeInteger(hex[Int(byte & 0x0F)])
            default: buffer.writeInteger(byte)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}

/// A JSON response, status 200 unless told otherwise.
struct JSON: ResponseGenerator {
    var body: JSONBody
    var status: HTTPResponse.Status = .ok

    init(_ body: JSONBody, status: HTTPResponse.Status = .ok) {
        self.body = body
        self.status = status
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var buffer = ByteBuffer()
        body.write(to: &buffer)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
    }
}
