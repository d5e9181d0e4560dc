import ControlPlane
import ControlPlaneHTTP
import Foundation

/// What `keys rotate` and `keys activate` tell the admin about the OS's verifier (docs/keys.md,
/// "Staged rotation"): printed to stderr, so stdout stays the key.
extension KeysCommand {
    static func osRecord(_ os: OSOption, _ api: ControlPlaneClient) async throws -> OSRecord {
        let path = Operations.GetOS.Input.Path(org: try os.org.slug(), os: os.os)
        return try await api.call { try await $0.getOS(path: path).ok.body.json }
    }

    static func advise(_ lines: [String]) {
        FileHandle.standardError.write(Data(lines.map { InertText.of($0) + "\n" }.joined().utf8))
    }

    /// After staging `kid`: how the OS gets it before activation.
    static func beforeActivating(_ kid: String, _ os: OSRecord) -> [String] {
        let activate = "then: controlplane keys activate --os \(os.id) --kid \(kid)"
        if os.verifier == "agentos-auth" {
            return [
                "staged \(kid): \(os.id)'s verifier picks it up with its next JWKS fetch (`controlplane os show \(os.id)` shows the kids it last fetched);",
                activate,
            ]
        }
        return [
            "staged \(kid): \(os.id) runs stock Agno, which holds only the keys it was started with.",
            "give it the new key first: controlplane os env \(os.id) --form jwks-file > \(os.id).env (writes \(os.id).jwks.json with both keys), restart the OS;",
            activate,
        ]
    }

    /// Before (or right after) `kid` starts signing: whether the OS is known to hold it.
    static func mayNotHold(_ kid: String, _ os: OSRecord) -> [String] {
        guard os.verifier == "agentos-auth" else {
            return [
                "warning: \(os.id) runs stock Agno: it refuses tokens of \(kid) unless it was restarted with an environment holding it (os env \(os.id))"
            ]
        }
        guard let fetch = os.jwksFetch else {
            return ["warning: no verifier of \(os.id) has reported a JWKS fetch: nothing says it holds \(kid)"]
        }
        if fetch.kids.contains(kid) { return ["\(os.id)'s verifier fetched a JWKS holding \(kid) at \(Cell.date(fetch.at))"] }
        return [
            "warning: \(os.id)'s verifier last fetched the JWKS at \(Cell.date(fetch.at)), without \(kid): it may refuse tokens of \(kid) until its next fetch"
        ]
    }
}
