import Crypto
import Foundation
import Testing

@testable import ControlPlane

/// The audit MAC's canonical JSON written directly is byte for byte what `JSONSerialization`
/// writes (the definition every existing chain was sealed under), over random events of the
/// class it takes; outside the class it declines, and the MAC is still the definition's.
@Suite("Audit MAC: the canonical JSON")
struct AuditCanonicalJSONTests {
    /// SplitMix64, seeded: a failure replays.
    typealias Random = EscalationPropertyTests.Generator

    static let plain = Array((0x20...0x7E).filter { $0 != 0x22 && $0 != 0x5C }.map { Character(UnicodeScalar(UInt8($0))) })
    static let keyCharacters = Array("abcdefghijklmnopqrstuvwxyz_")

    static func text(_ characters: [Character], _ random: inout Random, length: ClosedRange<Int>) -> String {
        String((0..<Int.random(in: length, using: &random)).map { _ in characters.randomElement(using: &random)! })
    }

    static func record(_ random: inout Random) -> AuditRecord {
        var details: [String: String] = [:]
        for _ in 0..<Int.random(in: 0...7, using: &random) {
            details[text(keyCharacters, &random, length: 1...9)] = text(plain, &random, length: 0...24)
        }
        return AuditRecord(
            seq: Int64.random(in: 1...9_999_999, using: &random),
            at: Date(timeIntervalSince1970: TimeInterval(Int64.random(in: 0...4_000_000_000, using: &random))),
            actor: text(plain, &random, length: 0...40),
            action: text(plain, &random, length: 1...30),
            target: text(plain, &random, length: 0...60),
            details: details,
            prevHash: text(plain, &random, length: 64...64),
            hash: "",
            macKey: "k1"
        )
    }

    @Test func directBytesAreJSONSerializations() throws {
        var random = Random(state: 20_261_207)
        for _ in 0..<5_000 {
            let record = Self.record(&random)
            let org = UUID()
            let direct = try #require(AuditCanonicalJSON.bytes(record, org: org), "\(record)")
            let foundation = Array(AuditKeys.foundationCanonical(record, org: org))
            #expect(direct == foundation, "\(String(decoding: direct, as: UTF8.self)) vs \(String(decoding: foundation, as: UTF8.self))")
            if direct != foundation { return }
        }
    }

    @Test func outsideTheClassItDeclinesAndTheMACIsTheDefinitions() throws {
        let key = SymmetricKey(size: .bits256)
        let base = AuditRecord(
            seq: 7,
            at: Date(timeIntervalSince1970: 1_800_000_000),
            actor: "apikey:1",
            action: "member.added",
            target: "user:1",
            details: ["email": "a@b.test"],
            prevHash: String(repeating: "0", count: 64),
            hash: ""
        )
        var variants: [AuditRecord] = []
        for (key, value) in [("email", "Ärger@b.test"), ("email", "quote\"d"), ("email", "back\\slash"), ("Email", "x"), ("e1", "x")] {
            var record = base
            record.details = [key: value]
            variants.append(record)
        }
        var control = base
        control.target = "line\nbreak"
        variants.append(control)
        for record in variants {
            #expect(AuditCanonicalJSON.bytes(record, org: UUID()) == nil, "\(record.details) \(record.target)")
            let org = UUID()
            let expected = HMAC<SHA256>.authenticationCode(for: AuditKeys.foundationCanonical(record, org: org), using: key)
                .map { String(format: "%02x", $0) }.joined()
            #expect(AuditKeys.mac(record, org: org, key: key) == expected)
        }
        // Inside the class, the MAC is the definition's too.
        let org = UUID()
        let expected = HMAC<SHA256>.authenticationCode(for: AuditKeys.foundationCanonical(base, org: org), using: key)
            .map { String(format: "%02x", $0) }.joined()
        #expect(AuditKeys.mac(base, org: org, key: key) == expected)
    }
}
