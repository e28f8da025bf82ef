// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import HummingbirdTesting
import TandemCore
import TandemStore
import Testing

@testable import TandemServer

/// Path parameters are percent-decoded; pagination cursors are signed by the server.
@Suite struct PathAndCursorTests {
    /// Percent-encodes every character of an id but the prefix's letters.
    private func encoded(_ id: String) -> String {
        id.replacingOccurrences(of: "_", with: "%5F").replacingOccurrences(of: "0", with: "%30")
    }

    @Test func percentEncodedPathParametersNameTheSameRecord() async throws {
        let env = try await TestEnvironment.make()
        let root = try await env.user("root@example.com", role: .admin)
        let ann = try await env.user("ann@example.com", role: .agent)
        let team = try await env.team("Alpha", [(ann, .agent)])
        try await env.run { api in
            let token = try await api.login("root@example.com").accessToken
            let user = try await api.get("/api/v1/users/\(encoded(root.id.rawValue))", bearer: token)
            #expect(user.status == .ok, "\(user.bodyText)")
            #expect(try user.json()["id"] as? String == root.id.rawValue)
            let renamed = try await api.patch("/api/v1/users/\(encoded(ann.id.rawValue))", ["name": "Ann A."], bearer: token)
            #expect(renamed.status == .ok, "\(renamed.bodyText)")
            let teamRead = try await api.get("/api/v1/teams/\(encoded(team.id.rawValue))", bearer: token)
            #expect(teamRead.status == .ok, "\(teamRead.bodyText)")
            let member = try await api.put(
                "/api/v1/teams/\(encoded(team.id.rawValue))/members/\(encoded(ann.id.rawValue))", ["role": "agent"],
                bearer: token)
            #expect(member.status == .ok, "\(member.bodyText)")
            let created = try await api.post("/api/v1/tickets", ["subject": "Encoded", "description": ""], bearer: token)
            let ticket = try #require(try created.json()["id"] as? String)
            #expect(try await api.get("/api/v1/tickets/\(encoded(ticket))", bearer: token).status == .ok)
            #expect(try await api.get("/api/v1/tickets/\(encoded(ticket))/history", bearer: token).status == .ok)
            // Malformed percent-encoding is refused before routing; an unknown member is not echoed back.
            expectError(try await api.get("/api/v1/users/usr%ZZ", bearer: token), .badRequest, "bad_request")
            let unknown = try await api.put(
                "/api/v1/teams/\(team.id)/members/usr%5Fnobody%3Cscript%3E", ["role": "agent"], bearer: token)
            expectError(unknown, .unprocessableContent, "unknown_user", field: "userId")
            #expect(!(unknown.errorMessage ?? "").contains("%"), "\(unknown.bodyText)")
            #expect(!(unknown.errorMessage ?? "").contains("nobody"), "\(unknown.bodyText)")
        }
    }

    @Test func madeUpCursorsAre400() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("root@example.com", role: .admin)
        for index in 0..<3 { try await env.user("user\(index)@example.com") }
        try await env.run { api in
            let token = try await api.login("root@example.com").accessToken
            let first = try await api.get("/api/v1/users?limit=2", bearer: token).page()
            let next = try #require(first.next)
            // The handed-out cursor leads on, also when passed percent-encoded.
            #expect(try await api.get("/api/v1/users?limit=2&after=\(next.queryEncoded)", bearer: token).status == .ok)
            // An unsigned cursor in the store's own format, naming a real user, is refused.
            let lastID = try #require(first.items.last?["id"] as? String)
            let firstID = try #require(first.items.first?["id"] as? String)
            let forged = Cursor(listing: "users", after: lastID).encoded
            // Another position with the signature of the real one.
            let tampered = Cursor(listing: "users", after: firstID).encoded + "." + next.split(separator: ".").last!
            for cursor in [forged, tampered, next + "x", String(next.dropLast()), "\(next).", "c1.e30.AAAAAAAAAAAAAAAAAAAAAA"] {
                expectError(
                    try await api.get("/api/v1/users?after=\(cursor.queryEncoded)", bearer: token), .badRequest,
                    "invalid_cursor", field: "after")
            }
            // A cursor of one listing does not work in another.
            for path in ["/api/v1/teams", "/api/v1/tickets", "/api/v1/notifications"] {
                expectError(
                    try await api.get("\(path)?after=\(next.queryEncoded)", bearer: token), .badRequest, "invalid_cursor",
                    field: "after")
            }
            // An empty after= is the first page.
            let empty = try await api.get("/api/v1/users?limit=2&after=", bearer: token).page()
            #expect(empty.items.map { $0["id"] as? String } == first.items.map { $0["id"] as? String })
        }
    }

    @Test func cursorsWorkOnEveryNodeSharingTheSecret() throws {
        let secret = String(repeating: "s", count: 40)
        let node1 = CursorSeal(secret: secret)
        let node2 = CursorSeal(secret: secret)
        let other = CursorSeal(secret: String(repeating: "o", count: 40))
        let cursor = Cursor(listing: "tickets", after: "tkt_01JD9A0B1C2D3E4F5G6H7J8K9M").encoded
        let sealed = try #require(node1.seal(cursor))
        #expect(try node2.open(sealed) == cursor)
        #expect(throws: StoreError.invalidCursor) { try other.open(sealed) }
        #expect(node1.seal(nil) == nil)
    }
}
