import ControlPlaneHTTP
import Foundation
import HTTPTypes
import PostgresNIO
import Testing

@testable import ControlPlane

/// A concurrent burst of wrong passwords for one email must not get more tries than the limit
/// (a throttle that counts only finished attempts lets them all through).
@Suite("Sign-in under a burst; trusted proxies")
struct SignInBurstTests {
    @Test func concurrentWrongPasswordsEvaluateAtMostTheLimit() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.addMember("vic@acme.test", password: "vic's real password")
            let replies = try await withThrowingTaskGroup(of: (reply: ControlPlaneHarness.Reply, took: Duration).self) { group in
                for index in 0..<40 {
                    group.addTask {
                        let started = ContinuousClock.now
                        let reply = try await cp.send(
                            .post,
                            "/v1/auth/login",
                            json: ["email": "vic@acme.test", "password": "guess number \(index)"],
                            key: .some(nil)
                        )
                        return (reply, ContinuousClock.now - started)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let evaluated = replies.filter { $0.reply.status == 401 }
            let throttled = replies.filter { $0.reply.status == 429 }
            // Exactly the limit (10 failures per minute per email, docs/operations.md): more would
            // give a guesser more, fewer would turn the account's holder away early.
            #expect(evaluated.count == 10 && throttled.count == 30, "\(replies.map(\.reply.status).sorted())")
            #expect(throttled.allSatisfy { Int($0.reply.headers[.retryAfter] ?? "") ?? 0 >= 1 })
            // And the other 30 were refused without a bcrypt. Judged against the 10 in the same burst,
            // not against a clock (a busy machine delays every answer alike): refused before the
            // check, a 429 waits for no bcrypt, while the 401s queue theirs on the two threads of
            // the pool. A throttle that checked every password first would answer 429 only to
            // those whose bcrypt finished after the tenth 401's, so its 429s would be the slower.
            let median = { (replies: [(reply: ControlPlaneHarness.Reply, took: Duration)]) in
                replies.map(\.took).sorted()[replies.count / 2]
            }
            if evaluated.count == 10 && throttled.count == 30 {
                #expect(
                    median(throttled) < median(evaluated),
                    "429s \(throttled.map(\.took).sorted()) against 401s \(evaluated.map(\.took).sorted())"
                )
            }
            // Even the right password waits out the window.
            let right = ["email": "vic@acme.test", "password": "vic's real password"]
            #expect(try await cp.send(.post, "/v1/auth/login", json: right, key: .some(nil)).status == 429)
            cp.clock.advance(61)
            #expect(try await cp.send(.post, "/v1/auth/login", json: right, key: .some(nil)).status == 201)
        }
    }

    @Test func forwardedForIsBelievedOnlyFromTrustedProxies() throws {
        let none = TrustedProxies.none
        #expect(none.clientAddress(peer: "203.0.113.9", forwardedFor: ["198.51.100.1"]) == "203.0.113.9")
        let proxies = try TrustedProxies(parsing: "10.0.0.0/8, 192.168.1.7, fd00::/8")
        // From a trusted proxy: the rightmost address that is not a proxy.
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["198.51.100.1"]) == "198.51.100.1")
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["6.6.6.6, 198.51.100.1, 192.168.1.7"]) == "198.51.100.1")
        #expect(proxies.clientAddress(peer: "fd00::1", forwardedFor: ["2001:db8::5"]) == "2001:db8::5")
        // A client cannot prepend its way past the proxy, nor is an untrusted peer believed.
        #expect(proxies.clientAddress(peer: "203.0.113.9", forwardedFor: ["10.0.0.1"]) == "203.0.113.9")
        #expect(proxies.clientAddress(peer: "192.168.1.8", forwardedFor: ["198.51.100.1"]) == "192.168.1.8")
        // Malformed hops stop the walk at the last trusted one; no header: the proxy itself.
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["198.51.100.1, not-an-ip"]) == "10.1.2.3")
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: []) == "10.1.2.3")
        for bad in ["10.0.0.0/33", "example.com", "10.0.0.1/x", "::1/129"] {
            #expect(throws: TrustedProxiesError.self) { try TrustedProxies(parsing: bad) }
        }
    }
}
