// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HummingbirdTesting
import TandemCore
import Testing

@testable import TandemServer

/// The order of checks on ticket writes (`PATCH /tickets/{id}`, `POST /tickets/{id}/comments`):
/// the ticket is looked up first and one the caller may not read is 404 whatever the body holds;
/// then the body (422); then the right to make the change (403).
@Suite struct TicketWriteOrderTests {
    struct Setup: Sendable {
        var env: TestEnvironment
        var alphaTicket: String
        var betaTicket: String
    }

    /// Ann (agent of Alpha), Bea (agent of Beta), customer Cat; one ticket of each team, requested by Cat.
    static func withSetup(_ body: @escaping @Sendable (APIClient, Setup, [String: String]) async throws -> Void) async throws {
        let env = try await TestEnvironment.make()
        let ann = try await env.user("ann@example.com", role: .agent)
        let bea = try await env.user("bea@example.com", role: .agent)
        try await env.user("cat@example.com", role: .customer)
        try await env.user("cid@example.com", role: .customer)
        let alpha = try await env.team("Alpha", [(ann, .agent)])
        let beta = try await env.team("Beta", [(bea, .agent)])
        try await env.run { api in
            var tokens: [String: String] = [:]
            for who in ["ann", "bea", "cat", "cid"] { tokens[who] = try await api.login("\(who)@example.com").accessToken }
            var ids: [String] = []
            for (team, token) in [(alpha, tokens["ann"]!), (beta, tokens["bea"]!)] {
                let cat =
                    try await api.get("/api/v1/users?role=customer", bearer: token).page().items
                    .first { $0["email"] as? String == "cat@example.com" }?["id"] as? String
                let created = try await api.post(
                    "/api/v1/tickets",
                    ["subject": "Order", "description": "", "team": team.id.rawValue, "requester": cat ?? ""], bearer: token)
                #expect(created.status == .created, "\(created.bodyText)")
                ids.append(try #require(try created.json()["id"] as? String))
            }
            try await body(api, Setup(env: env, alphaTicket: ids[0], betaTicket: ids[1]), tokens)
        }
    }

    @Test func anUnreadableTicketIs404WhateverTheBody() async throws {
        try await Self.withSetup { api, setup, tokens in
            let ann = tokens["ann"]!
            let cid = tokens["cid"]!
            // Ann may not read Beta's ticket; Cid did not request either.
            for (token, ticket) in [(ann, setup.betaTicket), (cid, setup.alphaTicket)] {
                for body: [String: any Sendable] in [["status": "open"], ["status": "sideways"], ["nmae": "x"], [:]] {
                    expectError(try await api.patch("/api/v1/tickets/\(ticket)", body, bearer: token), .notFound, "not_found")
                }
                for body: [String: any Sendable] in [
                    ["body": "psst", "visibility": "internal"], ["body": "hi"], ["visibility": "secret"], ["fromDraft": true],
                ] {
                    expectError(
                        try await api.post("/api/v1/tickets/\(ticket)/comments", body, bearer: token), .notFound, "not_found")
                }
            }
            // A ticket that does not exist answers the same, also with an invalid body.
            let missing = "tkt_01JD9A0B1C2D3E4F5G6H7J8K9M"
            expectError(
                try await api.patch("/api/v1/tickets/\(missing)", ["status": "sideways"], bearer: ann), .notFound, "not_found")
            expectError(
                try await api.post("/api/v1/tickets/\(missing)/comments", ["visibility": "secret"], bearer: ann), .notFound,
                "not_found")
        }
    }

    @Test func aReadableTicketChecksTheBodyThenThePermission() async throws {
        try await Self.withSetup { api, setup, tokens in
            let cat = tokens["cat"]!
            let ticket = setup.alphaTicket
            // Cat, the requester, reads the ticket but may not work it.
            expectError(
                try await api.patch("/api/v1/tickets/\(ticket)", ["status": "sideways"], bearer: cat), .unprocessableContent,
                "invalid_enum", field: "status")
            expectError(
                try await api.patch("/api/v1/tickets/\(ticket)", ["nmae": "x"], bearer: cat), .unprocessableContent,
                "unknown_field", field: "nmae")
            expectError(
                try await api.patch("/api/v1/tickets/\(ticket)", ["status": "open"], bearer: cat), .forbidden, "forbidden")
            expectError(
                try await api.post("/api/v1/tickets/\(ticket)/comments", ["body": "x", "visibility": "secret"], bearer: cat),
                .unprocessableContent, "invalid_enum", field: "visibility")
            expectError(
                try await api.post(
                    "/api/v1/tickets/\(ticket)/comments", ["body": "psst", "visibility": "internal"], bearer: cat),
                .forbidden, "forbidden")
            let reply = try await api.post("/api/v1/tickets/\(ticket)/comments", ["body": "thanks"], bearer: cat)
            #expect(reply.status == .created)
        }
    }
}
