import AgentOSAuth

/// The scope grammar and matching: each line of the input is a scope. Besides not crashing, the
/// compiler must preserve access (a compiled set satisfies exactly what the raw set does), or
/// the target traps so libFuzzer reports the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(64).map(String.init)
    let raw = ScopeSet(lines)
    let compiled = ScopeSet(ScopeCompiler.compile(lines))
    for line in lines {
        let scope = Scope(line)
        _ = (scope.resource, scope.action)
        precondition(raw.satisfies(scope) == compiled.satisfies(scope), "compilation changed access to '\(line)'")
        if let resource = scope.resource, let action = scope.action {
            precondition(raw.allows(resource, id: "x", action: action) == compiled.allows(resource, id: "x", action: action))
            _ = raw.accessibleIDs(resource, action: action)
        }
    }
    let half = lines.count / 2
    _ = ScopeCompiler.uncovered(Array(lines[..<half]), by: Array(lines[half...]))
    return 0
}
