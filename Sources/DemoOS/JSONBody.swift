import AgentOSAuth
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

    func write(to out: inout [UInt8]) {
        switch self {
        case .string(let value): JSONStringWriter.append(value, escapingSlashes: true, to: &out)
        case .int(let value): out.append(contentsOf: String(value).utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                element.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.sorted(by: { $0.0 < $1.0 }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONStringWriter.append(member.0, escapingSlashes: true, to: &out)
                out.append(UInt8(ascii: ":"))
                member.1.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
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
        var bytes: [UInt8] = []
        body.write(to: &bytes)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
