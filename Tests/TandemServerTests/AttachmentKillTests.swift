// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import HummingbirdTesting
import Logging
import NIOCore
import TandemApp
import TandemCore
import TandemStore
import TandemStoreSQLite
import TandemTestSupport
import Testing

/// A server killed (SIGKILL) half way through an upload: no file becomes visible, and the orphan
/// sweep removes what the upload left.
@Suite struct AttachmentKillTests {
    @Test func aKilledUploadLeavesNoVisibleFileAndTheSweepRemovesItsPart() async throws {
        let directory = try TemporaryDirectory()
        let files = directory.path + "/attachments"
        let store = "sqlite:\(directory.path)/tandem.sqlite"
        let server = try TandemProcess.start(
            ["serve", "--demo", "--port", "0", "--store", store, "--set", "attachments.directory=\(files)"],
            in: directory.path)
        defer { server.stop() }
        let port = try await server.waitForPort(timeout: .seconds(60))

        let (token, ticket) = try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            let login = try await client.post(
                "/api/v1/auth/login", headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"email":"grace@tandem.example","password":"\#(DemoData.password)"}"#))
            let session = try JSONSerialization.jsonObject(with: Data(buffer: try #require(login.body))) as? [String: Any]
            let token = try #require(session?["accessToken"] as? String)
            let created = try await client.post(
                "/api/v1/tickets", headers: [.contentType: "application/json", .authorization: "Bearer \(token)"],
                body: ByteBuffer(string: #"{"subject":"Crash mid-upload","description":"x"}"#))
            let ticket = try JSONSerialization.jsonObject(with: Data(buffer: try #require(created.body))) as? [String: Any]
            return (token, try #require(ticket?["id"] as? String))
        }

        let raw = try await RawConnection.open(port: port)
        try await raw.send(
            "POST /api/v1/tickets/\(ticket)/attachments?name=big.bin HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer \(token)\r\nContent-Length: 2000000\r\n\r\n")
        try await raw.send([UInt8](repeating: 0x44, count: 1_000_000))
        let uploads = files + "/uploads"
        func parts() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: uploads)) ?? [] }
        func objects() -> [String] {
            ((try? FileManager.default.subpathsOfDirectory(atPath: files + "/objects")) ?? []).filter { $0.contains("/") }
        }
        #expect(await waitUntil(.seconds(30)) { !parts().isEmpty }, "the upload never reached storage")
        server.kill(SIGKILL)
        #expect(await server.waitForExit(timeout: .seconds(20)) != nil)
        await raw.close()

        // Nothing under an address; the half is a .part file no reader sees.
        #expect(objects().isEmpty)
        #expect(parts().count == 1 && parts()[0].hasSuffix(".part"))

        let records = try SQLiteStore(path: "\(directory.path)/tandem.sqlite", logger: Logger(label: "test"))
        try await records.migrate()
        #expect(try await records.attachments(ticket: TicketID(ticket)).isEmpty)
        let sweep = OrphanSweep(store: records, storage: try LocalAttachmentStorage(root: files))
        let later = Timestamp(millisecondsSince1970: Int64(Date().timeIntervalSince1970 * 1000) + 2 * 3_600_000)
        #expect(try await sweep.run(now: later) == OrphanSweep.Outcome(orphans: 0, abandonedUploads: 1))
        #expect(parts().isEmpty && objects().isEmpty)
        try await records.close()
    }
}
