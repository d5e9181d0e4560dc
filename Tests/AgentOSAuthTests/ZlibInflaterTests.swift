import AgentOSAuth
import Crypto
import Foundation
import Testing

/// The verifier's own inflater (`AgentOSAuth` carries no zlib dependency): right on streams of
/// another compressor, strict and bounded on everything else.
@Suite("ZlibInflater: RFC 1950/1951, strict and bounded")
struct ZlibInflaterTests {
    static func bytes(_ base64url: String) throws -> [UInt8] { try #require(Base64URL.decode(Substring(base64url))) }

    /// A stored-block zlib stream, built by hand (what a minimal compressor emits).
    static func stored(_ data: [UInt8]) -> [UInt8] {
        let length = UInt16(data.count)
        let adler = ZlibInflater.adler32(data)
        return [0x78, 0x01, 0x01, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)] + data
            + [UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)]
    }

    @Test func theDraftsExampleList() throws {
        // draft-ietf-oauth-status-list §4.1: 16 one-bit statuses.
        #expect(try ZlibInflater.inflate(Self.bytes("eNrbuRgAAhcBXQ"), maxOutput: 1024) == [0xB9, 0xA3])
    }

    @Test(arguments: PythonZlibVectors.all.map(\.name))
    func streamsOfPythonsZlib(name: String) throws {
        let vector = try #require(PythonZlibVectors.all.first { $0.name == name })
        let output = try ZlibInflater.inflate(Self.bytes(vector.stream), maxOutput: 1 << 20)
        #expect(output.count == vector.count)
        #expect(SHA256.hash(data: output).map { String(format: "%02x", $0) }.joined() == vector.sha256)
    }

    @Test func storedBlocksBuiltByHand() throws {
        let data = (0..<300).map { UInt8($0 % 251) }
        #expect(try ZlibInflater.inflate(Self.stored(data), maxOutput: 300) == data)
        #expect(try ZlibInflater.inflate(Self.stored([]), maxOutput: 0) == [])
    }

    @Test func adler32KnownValues() {
        #expect(ZlibInflater.adler32([]) == 1)
        #expect(ZlibInflater.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
    }

    func refusal(_ input: [UInt8], maxOutput: Int = 1 << 20) -> String? {
        do {
            _ = try ZlibInflater.inflate(input, maxOutput: maxOutput)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func malformedStreamsAreRefused() throws {
        let good = try Self.bytes(PythonZlibVectors.text)
        var badChecksum = good
        badChecksum[badChecksum.count - 1] ^= 1
        #expect(refusal(badChecksum) == "Adler-32 checksum mismatch")
        #expect(refusal(good + [0]) == "trailing bytes after the stream")
        #expect(refusal(Array(good.dropLast(4))) == "missing Adler-32 checksum")
        #expect(refusal(Array(good.prefix(good.count / 2))) == "truncated stream")
        #expect(refusal([0x78, 0x9C]) == "too short for a zlib stream")
        #expect(refusal([0x79, 0x9C, 0, 0, 0, 0]) == "not deflate with a window of at most 32 KiB")
        #expect(refusal([0x78, 0x9D, 0, 0, 0, 0]) == "bad zlib header check")
        // FDICT set (0x78 0xBB passes the header check).
        #expect(refusal([0x78, 0xBB, 0, 0, 0, 0, 0, 0]) == "preset dictionaries are not supported")
        // Block type 3 is reserved.
        #expect(refusal([0x78, 0x01, 0x07, 0, 0, 0, 0]) == "invalid block type")
        var badLength = Self.stored([1, 2, 3])
        badLength[5] ^= 0xFF
        #expect(refusal(badLength) == "stored block length check failed")
        // Random bytes after a valid header: refused, never a crash or a hang.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let noise = [0x78, 0x9C] + (0..<64).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = refusal(noise)
        }
    }

    @Test func outputIsCapped() throws {
        // 16 KiB from a 53-byte stream: refused one byte under its size, accepted at it.
        let sparse = try Self.bytes(PythonZlibVectors.sparse)
        #expect(refusal(sparse, maxOutput: 16_383) == "inflates past 16383 bytes")
        #expect(refusal(sparse, maxOutput: 16_384) == nil)
        #expect(refusal(Self.stored([1, 2, 3]), maxOutput: 2) == "inflates past 2 bytes")
    }
}
