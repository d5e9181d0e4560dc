import Foundation

/// Writing a file the server's answer names, as `os env` does: never through a symlink or over
/// anything but a regular file, and never half-written (a temporary file beside it is renamed
/// over it).
enum SafeFile {
    static func replace(_ path: String, with contents: Data) throws {
        var status = stat()
        if lstat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            throw fail("\(path) exists and is not a regular file (a link or a directory?); not replaced", code: "failed")
        }
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { throw fail("cannot write \(temporary): \(String(cString: strerror(errno)))", code: "failed") }
        let written = contents.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == contents.count, synced, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw fail("cannot write \(path): \(reason)", code: "failed")
        }
    }
}
