/// What this build is: one place for the version that `controlplane --version` prints and that
/// `/metrics` reports as `controlplane_build_info`, so the two can never disagree.
public enum BuildInfo {
    /// The control plane's release version.
    public static let version = "0.9.0"

    /// The Swift compiler that built this binary, to the minor version. `#if compiler` is the only
    /// compile-time source of it; the standard library has no version string.
    public static let swiftVersion: String = {
        #if compiler(>=6.6)
            return "6.6+"
        #elseif compiler(>=6.5)
            return "6.5"
        #elseif compiler(>=6.4)
            return "6.4"
        #elseif compiler(>=6.3)
            return "6.3"
        #else
            return "6.2"
        #endif
    }()
}
