import Foundation
import HTTPTypes
import NIOCore
import Testing

extension SystemTests.GatewayAgnoTests {
    /// Agno's MCP server (`mcp=True`) behind the gateway: its public server card passes, `/mcp`
    /// itself is unmapped in Agno's table, so the gateway denies it unless the operator opens it.
    @Test func mcpThroughTheGateway() async throws {
        let initialize = ByteBuffer(
            string: #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"#
                + #""clientInfo":{"name":"gateway-test","version":"1"}}}"#
        )
        let mcpHeaders: HTTPFields = [.contentType: "application/json", .accept: "application/json, text/event-stream"]
        for opened in [false, true] {
            let port = try NginxProxy.freePort()
            try await Self.withStack(gatewayPort: port, gatewayEnvironment: opened ? ["GATEWAY_ALLOW_ROUTES": "POST /mcp"] : [:]) {
                cp,
                agno,
                gateway in
                let viewer = try await cp.addMember("vera@acme.test")
                try await cp.bind(["user": viewer], role: "os-viewer")
                let vera = try #require(try await cp.token(["subject": viewer]).json["access_token"] as? String)
                let card = try await gateway.send("GET", "/mcp/server-card", token: nil)
                #expect(card.status == 200 && card.json["name"] != nil, "\(card.status) \(card.text.prefix(300))")
                // Told its public URL (`--mcp-url`), Agno's card sends MCP clients to the gateway.
                let remotes = card.json["remotes"] as? [[String: Any]] ?? []
                #expect(remotes.first?["url"] as? String == gateway.baseURL + "/mcp", "\(remotes)")
                let direct = try await HTTP.send("POST", agno.baseURL + "/mcp", bearer: vera, headers: mcpHeaders, raw: initialize)
                #expect(direct.status == 200 && direct.text.contains("serverInfo"), "Agno alone opens /mcp to any token: \(direct.text)")
                let through = try await HTTP.send("POST", gateway.baseURL + "/mcp", bearer: vera, headers: mcpHeaders, raw: initialize)
                if opened {
                    #expect(through.status == 200 && through.text.contains("serverInfo"), "\(through.status) \(through.text)")
                } else {
                    #expect(
                        through.status == 403 && through.text.contains("No scope is mapped to POST /mcp"),
                        "\(through.status) \(through.text)"
                    )
                }
                let anonymous = try await HTTP.send("POST", gateway.baseURL + "/mcp", headers: mcpHeaders, raw: initialize)
                #expect(anonymous.status == 401, "\(anonymous.status) \(anonymous.text)")
                // The second attack's cut answers: a 1-byte body raced Agno's immediate 405, and
                // about 1 answer in 10 ended after its head. Small bodies now go whole.
                for round in 0..<(opened ? 0 : 40) {
                    let early = try await HTTP.send("PUT", gateway.baseURL + "/mcp/server-card", raw: ByteBuffer(string: "x"))
                    #expect(early.status == 405 && early.text.contains("Method Not Allowed"), "round \(round): \(early.text)")
                }
            }
        }
    }

    /// A multipart run with a 130 KB file reaches Agno whole through the gateway: Agno's answer
    /// names the same file, type and size as when it is sent directly; a type Agno refuses is
    /// refused alike.
    @Test func multipartUploadsPassWhole() async throws {
        try await Self.withStack { cp, agno, gateway in
            let runner = try await cp.addMember("rita@acme.test")
            try await cp.bind(["user": runner], role: "os-member")
            let rita = try #require(try await cp.token(["subject": runner]).json["access_token"] as? String)
            let file = Data((0..<100_000).map { _ in UInt8.random(in: 0...255) }).base64EncodedString(options: .lineLength76Characters)
            func send(to base: String, type: String) async throws -> HTTP.Reply {
                let boundary = "gateway-test-\(UUID().uuidString)"
                var body = ""
                for (name, value) in [("message", "hi"), ("stream", "false")] {
                    body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
                }
                body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"files\"; filename=\"notes.txt\"\r\n"
                body += "Content-Type: \(type)\r\n\r\n\(file)\r\n--\(boundary)--\r\n"
                return try await HTTP.send(
                    "POST",
                    base + "/agents/web-agent/runs",
                    bearer: rita,
                    headers: [.contentType: "multipart/form-data; boundary=\(boundary)"],
                    raw: ByteBuffer(string: body),
                    timeout: 30
                )
            }
            func files(_ reply: HTTP.Reply) -> [String] {
                let messages = reply.json["messages"] as? [[String: Any]] ?? []
                return messages.flatMap { $0["files"] as? [[String: Any]] ?? [] }.map {
                    "\($0["filename"] ?? "-") \($0["mime_type"] ?? "-") \(String(describing: $0["content"] ?? "").count)"
                }
            }
            let direct = try await send(to: agno.baseURL, type: "text/plain")
            let through = try await send(to: gateway.baseURL, type: "text/plain")
            #expect(direct.status == 200 && through.status == 200, "\(direct.status) \(through.status) \(through.text.prefix(300))")
            #expect(files(direct).count == 1 && files(through) == files(direct), "\(files(through)) vs \(files(direct))")
            #expect(through.json["content"] as? String == "echo: hi" && through.json["user_id"] as? String == runner)
            let refusedDirect = try await send(to: agno.baseURL, type: "application/x-bogus")
            let refusedThrough = try await send(to: gateway.baseURL, type: "application/x-bogus")
            #expect(refusedThrough.status == refusedDirect.status && refusedThrough.body == refusedDirect.body, "\(refusedThrough.text)")
        }
    }
}
