public import AgentOSAuth
import Foundation

/// What the gateway does with each message a client sends on Agno's workflow WebSocket
/// (`/workflows/ws`, docs/gateway.md, "WebSocket"). Agno authenticates that socket in band
/// (`{"action": "authenticate", "token": …}`) and checks `workflows:<id>:run` per action; the
/// gateway makes the same decisions with the verifier before a message reaches Agno, so
/// revocation, `aud`/`exp` and the issuer pin hold on the socket too, checked again at every
/// action (a member removed while connected is refused at their next one).
///
/// Default deny: only Agno's actions are passed on (`authenticate`, `ping`, `start-workflow`,
/// `continue-workflow`, `reconnect`); anything else is answered by the gateway and dropped.
public struct WorkflowSocketFilter: Sendable {
    /// What to do with one client message.
    public enum Verdict: Sendable, Equatable {
        /// Pass the message on to the upstream unchanged.
        case forward
        /// Answer the client with this text (Agno's event shape) and drop the message.
        case answer(String)
    }

    let gate: AuthGate
    /// The credential of the last successful `authenticate`, as an `Authorization` value.
    private(set) var credential: String?

    /// A filter for one connection, deciding with `gate`.
    public init(gate: AuthGate) {
        self.gate = gate
    }

    /// The verdict for one text message.
    public mutating func decide(_ text: String) async -> Verdict {
        guard let data = text.data(using: .utf8),
            let message = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let action = message["action"] as? String
        else {
            return .answer(Self.event("error", "Invalid message: a JSON object with an 'action' is expected"))
        }
        switch action {
        case "ping":
            return .forward
        case "authenticate":
            guard let token = message["token"] as? String, !token.isEmpty else {
                return .answer(Self.event("auth_error", "Token is required", type: "invalid_token"))
            }
            // Any valid credential may authenticate (as in Agno); each action is checked below.
            switch await gate.authenticate("Bearer \(token)") {
            case .failure(let error):
                credential = nil
                return .answer(Self.event("auth_error", error.message, type: error.code == .expired ? "expired" : "invalid_token"))
            case .success:
                credential = "Bearer \(token)"
                return .forward
            }
        case "start-workflow", "continue-workflow", "reconnect":
            guard let credential else {
                return .answer(
                    Self.event("auth_error", "Authentication required: send an authenticate action first", type: "invalid_token")
                )
            }
            guard let id = message["workflow_id"] as? String, let path = try? GatewayPath.decided(fromTarget: "/workflows/\(id)/runs"),
                path == "/workflows/\(id)/runs"
            else {
                return .answer(Self.event("error", "workflow_id must name one workflow"))
            }
            // The REST equivalent of the action, as Agno's own socket check mirrors it.
            if case .denied(let error) = await gate.decide(method: "POST", path: path, authorization: credential) {
                return .answer(Self.event(error.status == 401 ? "auth_error" : "error", error.message))
            }
            return .forward
        default:
            return .answer(
                Self.event(
                    "error",
                    "Unknown action: the gateway passes on authenticate, ping, start-workflow, continue-workflow and reconnect"
                )
            )
        }
    }

    /// `{"event": …, "error": …}` as Agno's socket writes it (`json.dumps`).
    static func event(_ event: String, _ error: String, type: String? = nil) -> String {
        var bytes = Array(#"{"event":"#.utf8)
        JSONStringWriter.append(event, to: &bytes)
        bytes += Array(#","error":"#.utf8)
        JSONStringWriter.append(error, to: &bytes)
        if let type {
            bytes += Array(#","error_type":"#.utf8)
            JSONStringWriter.append(type, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
