import AgentOSAuth

/// The path matcher and the request-path canonicaliser: the first line is a route pattern, the
/// others request paths, each canonicalised, matched against the pattern and looked up in
/// Agno's route table.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(32).map(String.init)
    guard let first = lines.first else { return 0 }
    let pattern = PathPattern(first)
    for path in lines.dropFirst() {
        _ = pattern.matches(path)
        if let canonical = try? RequestPath.canonical(path) {
            _ = pattern.matches(canonical)
            _ = table.rule(method: "GET", path: canonical)
            _ = table.rule(method: "POST", path: canonical)
        }
    }
    return 0
}

let table = RouteTable.agnoDefault
