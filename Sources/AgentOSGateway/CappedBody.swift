import NIOCore

/// A request body passed on as it arrives, ending in ``GatewayError/bodyTooLarge(limit:)`` past
/// `limit` bytes, recorded in `breach`: a chunked upload is cut at the cap instead of being
/// buffered or forwarded whole.
struct CappedBody<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer

    let base: Base
    let limit: Int
    let breach: BodyCapBreach

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let limit: Int
        let breach: BodyCapBreach
        var seen = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let buffer = try await base.next() else { return nil }
            seen += buffer.readableBytes
            if seen > limit {
                breach.record()
                throw GatewayError.bodyTooLarge(limit: limit)
            }
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), limit: limit, breach: breach)
    }
}
