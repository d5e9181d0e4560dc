import Foundation

/// The last Status List Token signed per OS, reused while its content and key are unchanged
/// and it is young enough (`StatusLists.resignAfter`, or `ttl` if shorter).
actor StatusListCache {
    private var entries: [UUID: (digest: Data, document: StatusLists.Document, until: Date)] = [:]

    func document(os: UUID, digest: Data, at: Date) -> StatusLists.Document? {
        guard let entry = entries[os], entry.digest == digest, at < entry.until else { return nil }
        return entry.document
    }

    func store(_ document: StatusLists.Document, os: UUID, digest: Data, until: Date) {
        entries[os] = (digest, document, until)
    }
}
