import AgentOSAuth

/// The PEM parsers (`JWT_VERIFICATION_KEY`): one or several blocks, and a single key.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? KeySet.parsePEMBlocks(text)
    _ = try? VerificationKey(pem: text)
    return 0
}
