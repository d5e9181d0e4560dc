@testable import AgentOSAuth

/// The compact-JWS splitter (three canonical base64url segments, the header's JSON) and the JSON
/// parser the verifier reads headers and claims with; each input is tried as both.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = JSONParser.value(bytes)
    if let parts = try? JWSParts(String(decoding: bytes, as: UTF8.self)) {
        _ = try? parts.payload()
        _ = parts.withSigningInput { $0.count }
    }
    return 0
}
