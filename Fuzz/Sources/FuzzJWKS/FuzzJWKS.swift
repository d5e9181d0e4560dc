import AgentOSAuth
import Foundation

/// The JWKS parser (`JWT_JWKS_FILE`, `JWT_JWKS_URL` answers): any document, any member types.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    _ = try? KeySet.parseJWKS(Data(bytes: data, count: size))
    return 0
}
