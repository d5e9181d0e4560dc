import NIOCore

/// A request body passed on as it arrives, ending in ``GatewayError/bodyTooLarge(limit:)`` past
/// `limit` bytes (recorded in `upload`): a chunked upload is cut at the cap instead of being
/// buffered or forwarded whole. It ends early once `upload` is closed (``RequestUpload``).
struct CappedBody<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer

    let base: Base
    let limit: Int
    let upload: RequestUpload

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let limit: Int
        let upload: RequestUpload
        var seen = 0

        mutating func next() async throws -> ByteBuffer? {
            guard upload.startRead() else { return nil }
            let next: ByteBuffer?
            do {
                next = try await base.next()
                upload.endRead()
            } catch {
                upload.endRead()
                throw error
            }
            guard let buffer = next else { return nil }
            seen += buffer.readableBytes
            if seen > limit {
                upload.recordBreach()
                throw GatewayError.bodyTooLarge(limit: limit)
            }
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), limit: limit, upload: upload)
    }
}
