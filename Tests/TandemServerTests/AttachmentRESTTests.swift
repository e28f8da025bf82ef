// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TandemCore
import TandemTestSupport
import Testing

@testable import TandemServer

/// Attachments over real sockets: upload, download, ranges, and each bad input of issue 15.
@Suite struct AttachmentRESTTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try RepositoryFiles.data("Tests/Vectors/attachments/\(name)"))
    }

    /// A node with a customer's ticket (one public reply by the customer) and an agent.
    struct Desk {
        let api: APIClient
        let directory: String
        let customer: String
        let agent: String
        let ticket: String
        let publicComment: String

        func upload(
            _ bytes: [UInt8], name: String, to target: String? = nil, as bearer: String? = nil,
            contentType: String = "application/octet-stream"
        ) async throws -> TestResponse {
            var query = "name=\(name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            if let target { query += "&comment=\(target)" }
            return try await api.client.executeRequest(
                uri: "/api/v1/tickets/\(ticket)/attachments?\(query)", method: .post,
                headers: [.authorization: "Bearer \(bearer ?? customer)", .contentType: contentType],
                body: ByteBuffer(bytes: bytes))
        }

        func get(_ path: String, as bearer: String, headers: HTTPFields = [:]) async throws -> TestResponse {
            try await api.get(path, bearer: bearer, headers: headers)
        }

        /// Committed files of the storage directory (`objects/ab/abcd…`).
        func objects() -> [String] {
            ((try? FileManager.default.subpathsOfDirectory(atPath: directory + "/objects")) ?? []).filter { $0.contains("/") }
        }

        /// Uploads under way (`uploads/….part`).
        func parts() -> [String] {
            (try? FileManager.default.contentsOfDirectory(atPath: directory + "/uploads")) ?? []
        }
    }

    static func withDesk(
        _ configure: @escaping @Sendable (inout TandemConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (Desk) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory()
        let environment = try await TestEnvironment.make { configuration in
            configuration.attachments.directory = directory.path
            configure(&configuration)
        }
        try await environment.user("carol@example.com", role: .customer)
        try await environment.user("alan@example.com", role: .agent)
        try await environment.run { api in
            let customer = try await api.login("carol@example.com").accessToken
            let agent = try await api.login("alan@example.com").accessToken
            let created = try await api.post(
                "/api/v1/tickets", ["subject": "Printer", "description": "It smokes."], bearer: customer)
            #expect(created.status == .created, "\(created.bodyText)")
            let ticket = try #require(try created.json()["id"] as? String)
            let commented = try await api.post(
                "/api/v1/tickets/\(ticket)/comments", ["body": "Here is a screenshot."], bearer: customer)
            #expect(commented.status == .created, "\(commented.bodyText)")
            let comments = try #require(try commented.json()["comments"] as? [[String: Any]])
            let comment = try #require(comments.last?["id"] as? String)
            try await body(
                Desk(
                    api: api, directory: directory.path, customer: customer, agent: agent, ticket: ticket,
                    publicComment: comment))
        }
        withExtendedLifetime(directory) {}
    }

    @Test func anImageIsStoredOnceServedInlineWithRangesAndAThumbnail() async throws {
        try await Self.withDesk { desk in
            let png = try Self.fixture("small.png")
            let first = try await desk.upload(png, name: "screen shot.png", to: desk.publicComment, contentType: "text/plain")
            #expect(first.status == .created, "\(first.bodyText)")
            let json = try first.json()
            #expect(json["type"] as? String == "image/png")
            #expect(json["name"] as? String == "screen shot.png")
            #expect(json["width"] as? Int == 64 && json["height"] as? Int == 48)
            #expect(json["visibility"] as? String == "public")
            let url = try #require(json["url"] as? String)
            let second = try await desk.upload(png, name: "again.png", to: desk.publicComment)
            #expect(second.status == .created)
            #expect(try second.json()["sha256"] as? String == json["sha256"] as? String)
            // One object for the image, one for its thumbnail, whatever the number of uploads.
            #expect(desk.objects().count == 2)

            let download = try await desk.get(url, as: desk.customer)
            #expect(download.status == .ok)
            #expect(Array(download.body.readableBytesView) == png)
            #expect(download.headers[.contentType] == "image/png")
            #expect(download.headers[.contentDisposition]?.hasPrefix("inline; filename=\"screen shot.png\"") == true)
            #expect(download.headers[.xContentTypeOptions] == "nosniff")
            #expect(download.headers[.contentSecurityPolicy]?.hasPrefix("sandbox") == true)

            let part = try await desk.get(url, as: desk.customer, headers: [.range: "bytes=10-19"])
            #expect(part.status == .partialContent)
            #expect(Array(part.body.readableBytesView) == Array(png[10..<20]))
            #expect(part.headers[.contentRange] == "bytes 10-19/\(png.count)")
            let suffix = try await desk.get(url, as: desk.customer, headers: [.range: "bytes=-5"])
            #expect(Array(suffix.body.readableBytesView) == Array(png.suffix(5)))
            let outside = try await desk.get(url, as: desk.customer, headers: [.range: "bytes=\(png.count)-"])
            #expect(outside.status == .rangeNotSatisfiable)
            #expect(outside.headers[.contentRange] == "bytes */\(png.count)")

            let thumbnail = try await desk.get(try #require(json["thumbnailURL"] as? String), as: desk.customer)
            #expect(thumbnail.status == .ok && thumbnail.headers[.contentType] == "image/png")
            #expect(Array(thumbnail.body.readableBytesView.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        }
    }

    @Test func aTextFileIsADownloadNeverInline() async throws {
        try await Self.withDesk { desk in
            let created = try await desk.upload(Array("error: disk full\n".utf8), name: "log.txt", to: desk.publicComment)
            #expect(created.status == .created)
            let download = try await desk.get(try #require(try created.json()["url"] as? String), as: desk.customer)
            #expect(download.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            #expect(download.headers[.contentType] == "text/plain; charset=utf-8")
        }
    }

    @Test func aZeroByteFileIsRefused() async throws {
        try await Self.withDesk { desk in
            let response = try await desk.upload([], name: "empty.txt", to: desk.publicComment)
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == "empty_file")
        }
    }

    /// lie.png is HTML: sniffed as text/html, which the deny list refuses, whatever the client says.
    @Test func aLyingContentTypeIsRefusedByTheSniffedType() async throws {
        try await Self.withDesk { desk in
            let response = try await desk.upload(
                try Self.fixture("lie.png"), name: "photo.png", to: desk.publicComment, contentType: "image/png")
            #expect(response.status == .unsupportedMediaType)
            #expect(response.errorCode == "type_not_allowed")
            #expect(response.errorMessage?.contains("text/html") == true)
            #expect(desk.objects().isEmpty)
        }
    }

    /// poly.gif starts as a GIF and carries HTML: it sniffs as an image, but is not one.
    @Test func aPolyglotIsRefusedAsAnImageThatDoesNotDecode() async throws {
        try await Self.withDesk { desk in
            let response = try await desk.upload(try Self.fixture("poly.gif"), name: "cat.gif", to: desk.publicComment)
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == "invalid_image")
            let list = try await desk.get("/api/v1/tickets/\(desk.ticket)/attachments", as: desk.agent)
            #expect(try list.page().items.isEmpty)
        }
    }

    /// bomb.png: 109 KB declaring 30,000 × 30,000 pixels.
    @Test func anImageBombIsRefusedBeforeItIsStored() async throws {
        try await Self.withDesk { desk in
            let response = try await desk.upload(try Self.fixture("bomb.png"), name: "bomb.png", to: desk.publicComment)
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == "image_too_large")
            #expect(desk.objects().isEmpty)
        }
    }

    @Test func pathTricksAndControlCharactersLeaveTheName() async throws {
        try await Self.withDesk { desk in
            let tricky = try await desk.upload(Array("x".utf8), name: "../../etc/pass\r\nwd", to: desk.publicComment)
            #expect(tricky.status == .created, "\(tricky.bodyText)")
            #expect(try tricky.json()["name"] as? String == "passwd")
            let download = try await desk.get(try #require(try tricky.json()["url"] as? String), as: desk.customer)
            #expect(download.headers[.contentDisposition] == "attachment; filename=\"passwd\"; filename*=UTF-8''passwd")
            let nothing = try await desk.upload(Array("x".utf8), name: "../", to: desk.publicComment)
            #expect(nothing.status == .unprocessableContent)
            #expect(nothing.errorCode == "invalid_name")
        }
    }

    @Test func overTheSizeLimitIs413BeforeTheBodyAndWhileStreaming() async throws {
        try await Self.withDesk({ $0.attachments.maxBytes = 100_000 }) { desk in
            let port = try #require(desk.api.port)
            // Content-Length says too much: answered without sending a byte of the body.
            let raw = try await RawConnection.open(port: port)
            try await raw.send(
                "POST /api/v1/tickets/\(desk.ticket)/attachments?name=big.bin&comment=\(desk.publicComment) HTTP/1.1\r\n"
                    + "Host: localhost\r\nAuthorization: Bearer \(desk.customer)\r\nContent-Length: 30000000\r\n\r\n")
            let answered = await raw.responses(1)
            #expect(answered.first?.status == 413)
            await raw.close()
            // No Content-Length (chunked): refused before the body, since a cut-off chunked body
            // ends like a whole one.
            let chunked = try await RawConnection.open(port: port)
            try await chunked.send(
                "POST /api/v1/tickets/\(desk.ticket)/attachments?name=big.bin&comment=\(desk.publicComment) HTTP/1.1\r\n"
                    + "Host: localhost\r\nAuthorization: Bearer \(desk.customer)\r\nTransfer-Encoding: chunked\r\n\r\n8000\r\n")
            let refused = await chunked.responses(1)
            #expect(refused.first?.status == 411)
            #expect(refused.first?.body.contains("length_required") == true)
            await chunked.close()
            #expect(await waitUntil(.seconds(20)) { desk.parts().isEmpty })
            #expect(desk.objects().isEmpty)
        }
    }

    @Test func anUploadInterruptedHalfWayLeavesNothing() async throws {
        try await Self.withDesk { desk in
            let head =
                "POST /api/v1/tickets/\(desk.ticket)/attachments?name=half.bin&comment=\(desk.publicComment) HTTP/1.1\r\n"
                + "Host: localhost\r\nAuthorization: Bearer \(desk.customer)\r\n"
            // The client goes away after half the file.
            let raw = try await RawConnection.open(port: try #require(desk.api.port))
            try await raw.send(Array((head + "Content-Length: 400000\r\n\r\n").utf8) + [UInt8](repeating: 0x42, count: 200_000))
            // The server has the half in a .part file.
            #expect(await waitUntil(.seconds(20)) { !desk.parts().isEmpty })
            await raw.close()
            #expect(await waitUntil(.seconds(20)) { desk.parts().isEmpty })
            #expect(desk.objects().isEmpty)
            let list = try await desk.get("/api/v1/tickets/\(desk.ticket)/attachments", as: desk.agent)
            #expect(try list.page().items.isEmpty)
        }
    }

    @Test func customersNeverGetDraftOrInternalAttachments() async throws {
        try await Self.withDesk { desk in
            let draft = try await desk.upload(Array("draft notes".utf8), name: "draft.txt", as: desk.agent)
            #expect(draft.status == .created, "\(draft.bodyText)")
            #expect(try draft.json()["visibility"] as? String == "internal")
            let note = try await desk.api.post(
                "/api/v1/tickets/\(desk.ticket)/comments", ["body": "Internal only", "visibility": "internal"],
                bearer: desk.agent)
            let internalID = try #require((try note.json()["comments"] as? [[String: Any]])?.last?["id"] as? String)
            let noteFile = try await desk.upload(Array("secret".utf8), name: "secret.txt", to: internalID, as: desk.agent)
            #expect(noteFile.status == .created)
            #expect(try noteFile.json()["visibility"] as? String == "internal")
            let visible = try await desk.upload(Array("public".utf8), name: "public.txt", to: desk.publicComment)

            for hidden in [draft, noteFile] {
                let url = try #require(try hidden.json()["url"] as? String)
                #expect(try await desk.get(url, as: desk.customer).status == .notFound)
                #expect(try await desk.get(url, as: desk.agent).status == .ok)
            }
            let customerList = try await desk.get("/api/v1/tickets/\(desk.ticket)/attachments", as: desk.customer)
            #expect(try customerList.page().items.map { $0["id"] as? String } == [try visible.json()["id"] as? String])
            let agentList = try await desk.get("/api/v1/tickets/\(desk.ticket)/attachments", as: desk.agent)
            #expect(try agentList.page().items.count == 3)
            // A customer cannot attach to the draft nor name an internal comment.
            #expect(try await desk.upload(Array("x".utf8), name: "x.txt").status == .forbidden)
            #expect(try await desk.upload(Array("x".utf8), name: "x.txt", to: internalID).status == .notFound)
        }
    }

    @Test func theTicketQuotaIsEnforced() async throws {
        try await Self.withDesk({ $0.attachments.ticketQuotaBytes = 10 }) { desk in
            #expect(try await desk.upload(Array("12345678".utf8), name: "a.txt", to: desk.publicComment).status == .created)
            let over = try await desk.upload(Array("abc".utf8), name: "b.txt", to: desk.publicComment)
            #expect(over.status == .contentTooLarge)
            #expect(over.errorCode == "ticket_quota_exceeded")
        }
    }
}
