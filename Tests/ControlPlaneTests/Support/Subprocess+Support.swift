import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

extension Executable {
    /// A path runs that file; a bare name is looked up on the child's PATH (as a shell does).
    static func named(_ nameOrPath: String) -> Self {
        nameOrPath.contains("/") ? .path(FilePath(nameOrPath)) : .name(nameOrPath)
    }
}

extension TerminationStatus {
    /// The exit code, or 128 + the signal that ended the process (as a shell reports it).
    var exitCode: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }
}

extension Subprocess.Environment {
    /// Exactly these variables, nothing inherited.
    static func exactly(_ variables: [String: String]) -> Self {
        .custom(Dictionary(uniqueKeysWithValues: variables.compactMap { name, value in Key(rawValue: name).map { ($0, value) } }))
    }
}
