import Foundation
import HTTPTypes
import PostgresNIO
import Testing

@testable import ControlPlane

/// docs/security.md, F1: a password-reset code is void once the authority that issued it no
/// longer covers every organisation of the account ("Credentials are their owner's"). Otherwise
/// E's owner could redeem E's old code after the account joined V, sign in as it and list V's
/// members.
@Suite("Reset codes and the authority that issued them")
struct ResetAuthorityTests {
    static let victim = "cfo@victim.example"

    func redeem(_ cp: ControlPlaneHarness, _ code: String, _ password: String) async throws -> ControlPlaneHarness.Reply {
        try await cp.send(.post, "/v1/auth/password-reset", json: ["code": code, "password": password], key: .some(nil))
    }

    /// A reset code for the victim from an admin of e-corp (`key`), required to be issued.
    func resetCode(_ cp: ControlPlaneHarness, by key: String) async throws -> String {
        let reply = try await cp.send(.post, "/v1/orgs/e-corp/members/\(Self.victim)/password-reset", key: .some(key))
        try #require(reply.status == 201, "reset: \(reply.status) \(reply.errorCode ?? "-")")
        return try #require(reply.json["code"] as? String)
    }

    /// E's owner (a session of their own) and the two organisations.
    func organisations(_ cp: ControlPlaneHarness) async throws -> String {
        try await cp.makeOrg("e-corp")
        try await cp.makeOrg("victim")
        try await cp.addMember("boss@e.example", role: "owner", org: "e-corp", password: "boss password 1")
        return try await cp.session("boss@e.example", "boss password 1")
    }

    /// The account is new when E invites it: E's admin gets no reset code for it before the
    /// person accepts (else E would choose the first password of an account that then joins V).
    @Test func aNewlyInvitedAccountGetsNoResetCodeBeforeItAccepts() async throws {
        try await ControlPlaneHarness.run { cp in
            let boss = try await organisations(cp)
            _ = try await cp.created(.post, "/v1/orgs/e-corp/members", ["email": Self.victim, "name": "CFO", "role": "member"], key: boss)
            try await cp.expectRefusal(409, message: "has not accepted the invitation") {
                try await cp.send(.post, "/v1/orgs/e-corp/members/\(Self.victim)/password-reset", key: .some(boss))
            }

            let invited = try await cp.invite(Self.victim, role: "admin", org: "victim")
            let joined = try await cp.acceptInvitation(invited.code, name: "CFO", password: "the cfo's own password")
            #expect(joined.status == 201, "\(joined.text)")
            #expect(try await cp.login(Self.victim, "the cfo's own password").status == 201)
        }
    }

    /// The account joined E first (with a password of its own), E issued the reset, then the
    /// account accepted V's invitation with its own session.
    @Test func anOldCodeIsVoidAfterAnExistingAccountAcceptsElsewhere() async throws {
        try await ControlPlaneHarness.run { cp in
            let boss = try await organisations(cp)
            try await cp.addMember(Self.victim, org: "e-corp", password: "the cfo's own password")
            let code = try await resetCode(cp, by: boss)
            let invited = try await cp.invite(Self.victim, role: "admin", org: "victim")
            let session = try await cp.session(Self.victim, "the cfo's own password")
            #expect(try await cp.acceptInvitation(invited.code, key: session).status == 200)

            try await cp.expectRefusal(400, message: "password-reset code") { try await redeem(cp, code, "boss chose this one") }
            try await cp.expectRefusal(401, message: "email or password") { try await cp.login(Self.victim, "boss chose this one") }
        }
    }

    /// Checked again at redemption, apart from the triggers that void codes when a membership
    /// changes: with them switched off in this test's database, a demoted issuer's code is still
    /// refused (403) and spent. A superuser's code, which no trigger watches, stops with its key.
    @Test func redemptionChecksTheAuthorityOnItsOwn() async throws {
        try await ControlPlaneHarness.run { cp in
            try await cp.makeOrg("e-corp")
            try await cp.addMember("admin@e.example", role: "admin", org: "e-corp", password: "admin password 1")
            let admin = try await cp.session("admin@e.example", "admin password 1")
            try await cp.addMember(Self.victim, org: "e-corp", password: "the cfo's own password")
            let code = try await resetCode(cp, by: admin)
            try await cp.database.query("ALTER TABLE org_members DISABLE TRIGGER USER", logger: TestCluster.logger)
            #expect(try await cp.send(.patch, "/v1/orgs/e-corp/members/admin@e.example", json: ["role": "member"]).status == 200)
            // Refused and spent (docs/access.md): the code's row changes, nothing else.
            try await cp.expectRefusal(403, message: "no longer applies", changing: ["password_resets"]) {
                try await redeem(cp, code, "admin chose this one")
            }
            try await cp.expectRefusal(401, message: "email or password") { try await cp.login(Self.victim, "admin chose this one") }
            #expect(try await cp.send(.patch, "/v1/orgs/e-corp/members/admin@e.example", json: ["role": "admin"]).status == 200)
            try await cp.expectRefusal(400, message: "password-reset code", note: "spent: ") {
                try await redeem(cp, code, "admin chose this one")
            }

            let spare = try #require(try await cp.send(.post, "/v1/admin/keys", json: ["name": "spare"]).json["key"] as? String)
            let spareID =
                try #require(try await cp.send(.get, "/v1/admin/keys").json["keys"] as? [[String: Any]])
                .first { $0["name"] as? String == "spare" }?["id"] as? String
            let superuserCode = try #require(
                try await cp.send(.post, "/v1/users/\(Self.victim)/password-reset", key: .some(spare)).json["code"] as? String
            )
            #expect(try await cp.send(.delete, "/v1/admin/keys/\(try #require(spareID))").status == 204)
            try await cp.expectRefusal(403, message: "no longer applies", changing: ["password_resets"]) {
                try await redeem(cp, superuserCode, "superuser chose this")
            }
        }
    }

    /// As above for an account that joins another organisation after the code was issued: with
    /// the triggers off, redemption alone refuses it (403) and spends it.
    @Test func redemptionRefusesACodeOnceTheAccountBelongsElsewhere() async throws {
        try await ControlPlaneHarness.run { cp in
            let boss = try await organisations(cp)
            try await cp.addMember(Self.victim, org: "e-corp", password: "the cfo's own password")
            let code = try await resetCode(cp, by: boss)
            try await cp.database.query("ALTER TABLE org_members DISABLE TRIGGER USER", logger: TestCluster.logger)
            try await cp.addMember(Self.victim, role: "admin", org: "victim")
            try await cp.expectRefusal(403, message: "no longer applies", changing: ["password_resets"]) {
                try await redeem(cp, code, "boss chose this one")
            }
            try await cp.expectRefusal(401, message: "email or password") { try await cp.login(Self.victim, "boss chose this one") }
            #expect(try await cp.login(Self.victim, "the cfo's own password").status == 201)
        }
    }

    /// What stays allowed: an org admin's code for an account of that organisation alone, and a
    /// superuser's code whatever the account belongs to.
    @Test func legitimateResetsStillWork() async throws {
        try await ControlPlaneHarness.run { cp in
            let boss = try await organisations(cp)
            try await cp.addMember(Self.victim, org: "e-corp", password: "the cfo's own password")
            let own = try await resetCode(cp, by: boss)
            // Stored as its SHA-256 only (computed here, not with the product's hash).
            let stored = try await cp.database.query(
                "SELECT count(*) FROM password_resets WHERE code_hash = \(StoredDigest.of(own))",
                logger: TestCluster.logger
            ).decode(Int.self).collect()
            #expect(stored == [1])
            #expect(try await cp.count("SELECT count(*)::int FROM password_resets WHERE position('\(own)' in created_by) > 0") == 0)
            #expect(try await redeem(cp, own, "a reset password 1").status == 204)
            #expect(try await cp.login(Self.victim, "a reset password 1").status == 201)

            let invited = try await cp.invite(Self.victim, org: "victim")
            #expect(try await cp.acceptInvitation(invited.code, key: try await cp.session(Self.victim, "a reset password 1")).status == 200)
            let superuser = try #require(try await cp.send(.post, "/v1/users/\(Self.victim)/password-reset").json["code"] as? String)
            #expect(try await redeem(cp, superuser, "a reset password 2").status == 204)
            #expect(try await cp.login(Self.victim, "a reset password 2").status == 201)
        }
    }

    /// A code must not come back when its issuer's authority does (demoted and promoted again,
    /// disabled and enabled) or when the account is removed and re-invited before anyone redeems
    /// it. Losing the authority voids the code for good.
    @Test(arguments: ["demote", "disable", "remove-issuer", "remove-account"])
    func aCodeStaysVoidWhenTheAuthorityComesBack(_ lapse: String) async throws {
        try await ControlPlaneHarness.run { cp in
            try await cp.makeOrg("e-corp")
            try await cp.addMember("admin@e.example", role: "admin", org: "e-corp", password: "admin password 1")
            let admin = try await cp.session("admin@e.example", "admin password 1")
            try await cp.addMember(Self.victim, org: "e-corp", password: "the cfo's own password")
            let code = try await resetCode(cp, by: admin)
            let member = "/v1/orgs/e-corp/members/"
            switch lapse {
            case "demote":
                #expect(try await cp.send(.patch, member + "admin@e.example", json: ["role": "member"]).status == 200)
                #expect(try await cp.send(.patch, member + "admin@e.example", json: ["role": "admin"]).status == 200)
            case "disable":
                #expect(try await cp.send(.patch, member + "admin@e.example", json: ["disabled": true]).status == 200)
                #expect(try await cp.send(.patch, member + "admin@e.example", json: ["disabled": false]).status == 200)
            case "remove-issuer":
                #expect(try await cp.send(.delete, member + "admin@e.example").status == 204)
                let again = try await cp.invite("admin@e.example", role: "admin", org: "e-corp")
                #expect(
                    try await cp.acceptInvitation(again.code, key: try await cp.session("admin@e.example", "admin password 1")).status
                        == 200
                )
            default:
                #expect(try await cp.send(.delete, member + Self.victim).status == 204)
                let again = try await cp.invite(Self.victim, org: "e-corp")
                #expect(
                    try await cp.acceptInvitation(again.code, key: try await cp.session(Self.victim, "the cfo's own password")).status
                        == 200
                )
            }
            try await cp.expectRefusal(400, message: "password-reset code", note: "\(lapse): ") {
                try await redeem(cp, code, "admin chose this one")
            }
            try await cp.expectRefusal(401, message: "email or password") { try await cp.login(Self.victim, "admin chose this one") }
        }
    }
}
