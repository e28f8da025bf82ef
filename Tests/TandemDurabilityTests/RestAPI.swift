// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// The few REST calls the durability tests need, over a real socket.
struct RestAPI: Sendable {
    let port: Int

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The ticket fields the tests look at (staff view).
    struct TicketState: Decodable, Sendable {
        var id: String
        var version: Int64
        var replyDraft: String?
    }

    private struct Session: Decodable {
        var accessToken: String
    }

    func login(email: String, password: String) async throws -> String {
        let body = try JSONSerialization.data(withJSONObject: ["email": email, "password": password])
        let response = try await call(.post, "/api/v1/auth/login", token: nil, body: body)
        return try decode(Session.self, response, expecting: .ok).accessToken
    }

    /// The HTTP status of a sign-in attempt (200, 401, 429…).
    func loginStatus(email: String, password: String) async throws -> Int {
        let body = try JSONSerialization.data(withJSONObject: ["email": email, "password": password])
        return Int(try await call(.post, "/api/v1/auth/login", token: nil, body: body).status.code)
    }

    func createTicket(token: String, subject: String) async throws -> String {
        let body = try JSONSerialization.data(withJSONObject: ["subject": subject, "description": "Edit storm target."])
        let response = try await call(.post, "/api/v1/tickets", token: token, body: body)
        return try decode(TicketState.self, response, expecting: .created).id
    }

    private struct Created: Decodable {
        var id: String
    }

    /// Files a ticket in `team` (nil: the triage queue); its id.
    func createTicket(token: String, subject: String, team: String?) async throws -> String {
        var fields: [String: String] = ["subject": subject, "description": "Filed by a cluster test."]
        if let team { fields["team"] = team }
        let response = try await call(
            .post, "/api/v1/tickets", token: token, body: try JSONSerialization.data(withJSONObject: fields))
        return try decode(Created.self, response, expecting: .created).id
    }

    /// Creates a team (admin); its id.
    func createTeam(token: String, name: String) async throws -> String {
        let body = try JSONSerialization.data(withJSONObject: ["name": name])
        return try decode(Created.self, try await call(.post, "/api/v1/teams", token: token, body: body), expecting: .created).id
    }

    /// Creates a user (admin); its id.
    func createUser(token: String, email: String, name: String, role: String, password: String) async throws -> String {
        let body = try JSONSerialization.data(withJSONObject: ["email": email, "name": name, "role": role, "password": password])
        return try decode(Created.self, try await call(.post, "/api/v1/users", token: token, body: body), expecting: .created).id
    }

    /// Ends the token's session.
    func logout(token: String) async throws {
        let response = try await call(.post, "/api/v1/auth/logout", token: token, body: nil)
        guard response.status == .noContent else {
            throw Failure(description: "logout: HTTP \(response.status.code)")
        }
    }

    func ticket(_ id: String, token: String) async throws -> TicketState {
        let response = try await call(.get, "/api/v1/tickets/\(id)", token: token, body: nil)
        return try decode(TicketState.self, response, expecting: .ok)
    }

    /// Any call with a JSON body; the status and the JSON object answered (empty when none).
    func json(
        _ method: HTTPRequest.Method, _ path: String, token: String, body: [String: Any]? = nil
    ) async throws
        -> (status: Int, json: [String: Any])
    {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let response = try await call(method, path, token: token, body: data)
        let bytes = response.body.map { Data(String(buffer: $0).utf8) } ?? Data()
        let object = bytes.isEmpty ? nil : try JSONSerialization.jsonObject(with: bytes) as? [String: Any]
        return (Int(response.status.code), object ?? [:])
    }

    private func call(
        _ method: HTTPRequest.Method, _ path: String, token: String?, body: Data?
    ) async throws
        -> TestClient.Response
    {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let request = TestClient.Request(
            path, method: method, authority: "127.0.0.1:\(port)", headers: headers,
            body: body.map { ByteBuffer(bytes: $0) })
        return try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            try await client.execute(request)
        }
    }

    private func decode<T: Decodable>(
        _ type: T.Type, _ response: TestClient.Response, expecting: HTTPResponse.Status
    )
        throws -> T
    {
        let text = response.body.map { String(buffer: $0) } ?? ""
        guard response.status == expecting else {
            throw Failure(description: "HTTP \(response.status.code), expected \(expecting.code): \(text)")
        }
        return try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
