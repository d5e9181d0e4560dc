// `stat` reaches Swift through CoreFoundation's module map on Linux: with member import
// visibility, a release build refuses `stat()` and `st_mode` without this import. Kept in this
// one file so nothing public depends on it.
import CoreFoundation
import Foundation

/// The mode and owner of a file, from `stat` (following a symlink) or `lstat` (the link itself).
struct FileStatus {
    var mode: mode_t
    var owner: uid_t

    init?(_ path: String, followingLinks: Bool) {
        var info = stat()
        guard (followingLinks ? stat(path, &info) : lstat(path, &info)) == 0 else { return nil }
        mode = info.st_mode
        owner = info.st_uid
    }
}
