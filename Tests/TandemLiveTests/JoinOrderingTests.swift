// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Synchronization
import TandemCore
import Testing

@Suite("Joining a busy ticket")
struct JoinOrderingTests {
    @Test("a subscriber joining during an edit storm gets its snapshot first, then every later op in order")
    func snapshotComesFirst() async throws {
        let options = LiveOptions(configure: {
            $0.live.opsPerSecond = 100_000
            $0.live.opsBurst = 100_000
        })
        try await LiveServer.run(options) { server in
            let ticket = try await server.createTicket(as: server.agents[0], requester: server.customers[0], team: server.team)
            let topic = "ticket:\(ticket)"
            let writerSocket = try await server.connect(server.agents[0], name: "writer")
            _ = try await writerSocket.subscribe(topic)
            let writer = TicketWriter(writerSocket, ticket: ticket, version: 0)
            let joiner = try await server.connect(server.agents[1], name: "joiner")
            let stop = StopFlag()

            async let storm: Int = {
                var count = 0
                while !stop.isSet {
                    _ = try await writer.text(.replyDraft, ["x"])
                    count += 1
                }
                return count
            }()

            var problems: [String] = []
            for cycle in 0..<30 {
                let mark = joiner.inbox.mark
                let reply = try await joiner.subscribe(topic)
                guard reply.type == "snapshot", let version = reply.json["v"]?.int else {
                    problems.append("cycle \(cycle): \(reply)")
                    break
                }
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...30)))
                try await joiner.send(["type": "unsubscribe", "topic": topic])
                let ended = try await joiner.inbox.next("unsubscribed", topic: topic)
                let ops = joiner.inbox.frames(after: mark) { $0.type == "op" && $0.topic == topic && $0.index < ended.index }
                let early = ops.filter { $0.index < reply.index }
                if !early.isEmpty {
                    problems.append("cycle \(cycle): \(early.count) op(s) before the snapshot at v\(version)")
                }
                let versions = ops.filter { $0.index > reply.index }.compactMap { $0.json["op"]?["version"]?.int }
                if versions != (0..<versions.count).map({ version + 1 + Int64($0) }) {
                    problems.append("cycle \(cycle): after snapshot v\(version) got \(versions.prefix(5))…")
                }
            }
            stop.set()
            let written = try await storm
            #expect(written > 30)
            #expect(problems.isEmpty, "\(problems.count) of 30 joins broken: \(problems.prefix(5))")
            await joiner.close()
            await writerSocket.close()
        }
    }
}

/// A flag one task sets and others poll.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}
