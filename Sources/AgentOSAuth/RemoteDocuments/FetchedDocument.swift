public import Foundation

/// What a ``DocumentFetcher`` answers: the status, the body and how long it may be cached.
public struct FetchedDocument: Sendable, Hashable {
    /// The longest a fetched document is used without refetching, whatever it says (24 h).
    public static let maximumMaxAge: TimeInterval = 86_400

    /// The HTTP status (a JWKS URL also answers 404/410 for "nothing published").
    public var status: Int
    /// The body.
    public var data: Data
    /// `max-age` of `Cache-Control` (``maxAge(cacheControl:)``), if sent.
    public var maxAge: TimeInterval?

    /// A 200 response.
    public init(data: Data, maxAge: TimeInterval?) {
        self.init(status: 200, data: data, maxAge: maxAge)
    }

    /// A response with any status.
    public init(status: Int, data: Data, maxAge: TimeInterval?) {
        self.status = status
        self.data = data
        self.maxAge = maxAge
    }

    /// `max-age` of a `Cache-Control` value, capped at 24 h; `no-store`/`no-cache` mean 0.
    ///
    /// A `max-age` that is not a non-negative integer (`inf`, `1e9`, `-1`, `1.5`) is ignored, so
    /// the default lifetime applies.
    public static func maxAge(cacheControl: String?) -> TimeInterval? {
        guard let cacheControl else { return nil }
        for directive in cacheControl.split(separator: ",") {
            let part = directive.trimmingCharacters(in: .whitespaces).lowercased()
            if part == "no-store" || part == "no-cache" { return 0 }
            guard part.hasPrefix("max-age=") else { continue }
            var digits = Substring(part.dropFirst(8))
            // RFC 9111 also allows the quoted form.
            if digits.count >= 2, digits.first == "\"", digits.last == "\"" { digits = digits.dropFirst().dropLast() }
            guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
            // Anything longer than 24 h is capped, so long digit strings need not be parsed exactly.
            guard digits.count <= 9, let seconds = Int(digits) else { return maximumMaxAge }
            return min(TimeInterval(seconds), maximumMaxAge)
        }
        return nil
    }

    /// A `max-age` a fetcher reported, if it is a finite, non-negative number, capped at 24 h.
    static func usableMaxAge(_ maxAge: TimeInterval?) -> TimeInterval? {
        guard let maxAge, maxAge.isFinite, maxAge >= 0 else { return nil }
        return min(maxAge, maximumMaxAge)
    }
}
