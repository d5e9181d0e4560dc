/// A strict, bounded ZLIB (RFC 1950) / DEFLATE (RFC 1951) decoder for Status Lists.
///
/// `AgentOSAuth` links no compression library (only swift-crypto and CoreMetrics), so it carries
/// its own inflater. It is written for untrusted input: every read is bounds-checked, the output
/// is capped (a list that inflates past the cap is refused, so a small document cannot expand
/// into gigabytes), preset dictionaries are refused, the Adler-32 checksum must match, and
/// nothing may follow it.
public enum ZlibInflater {
    /// Why a ZLIB stream was refused.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// What was wrong.
        public let reason: String
        public var description: String { reason }
    }

    /// Decompresses `input` (ZLIB format) to at most `maxOutput` bytes.
    ///
    /// - Throws: ``Failure`` for a malformed stream, a bad checksum, trailing bytes, or output
    ///   over `maxOutput`.
    public static func inflate(_ input: [UInt8], maxOutput: Int) throws(Failure) -> [UInt8] {
        guard input.count >= 6 else { throw Failure(reason: "too short for a zlib stream") }
        let cmf = input[0]
        let flg = input[1]
        guard cmf & 0x0F == 8, cmf >> 4 <= 7 else { throw Failure(reason: "not deflate with a window of at most 32 KiB") }
        guard (UInt16(cmf) << 8 | UInt16(flg)) % 31 == 0 else { throw Failure(reason: "bad zlib header check") }
        guard flg & 0x20 == 0 else { throw Failure(reason: "preset dictionaries are not supported") }
        var state = InflateState(input: input, position: 2, maxOutput: maxOutput)
        try state.run()
        // The Adler-32 follows the last block, byte-aligned, big-endian; then nothing.
        let at = state.position
        guard at + 4 == input.count else {
            throw Failure(reason: at + 4 > input.count ? "missing Adler-32 checksum" : "trailing bytes after the stream")
        }
        let expected = UInt32(input[at]) << 24 | UInt32(input[at + 1]) << 16 | UInt32(input[at + 2]) << 8 | UInt32(input[at + 3])
        guard adler32(state.output) == expected else { throw Failure(reason: "Adler-32 checksum mismatch") }
        return state.output
    }

    /// The Adler-32 checksum of `bytes` (RFC 1950 §8.2).
    public static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        var index = 0
        while index < bytes.count {
            // 5552 bytes keep both sums below 2^32 before the modulo.
            let end = min(index + 5552, bytes.count)
            while index < end {
                a += UInt32(bytes[index])
                b += a
                index += 1
            }
            a %= 65521
            b %= 65521
        }
        return b << 16 | a
    }
}
