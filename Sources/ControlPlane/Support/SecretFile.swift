public import Foundation

/// Files holding secrets (`master.key`, `admin.key`): created with `O_CREAT | O_EXCL` and mode
/// 0600 in one call, so there is no moment at the umask's permissions and an existing file (or a
/// planted symlink) is never written through; and checked for group/other access before use.
public enum SecretFile {
    /// Creates `path` exclusively with mode 0600 and writes `contents`.
    public static func create(_ path: String, contents: Data) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw ControlPlaneError.invalid("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let written = contents.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == contents.count, fsync(descriptor) == 0 else {
            throw ControlPlaneError.invalid("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The permission bits of `path` (following a symlink, as reading it does), or `nil`.
    public static func mode(_ path: String) -> mode_t? {
        FileStatus(path, followingLinks: true).map { $0.mode & 0o777 }
    }

    /// Throws when `path` is readable or writable by group or others.
    public static func requirePrivate(_ path: String) throws {
        guard let mode = mode(path) else { return }
        if mode & 0o077 != 0 {
            throw ControlPlaneError.invalid(
                "\(path) is accessible by group or others (mode \(String(mode, radix: 8))); it holds a secret: chmod 600 it"
            )
        }
    }
}
