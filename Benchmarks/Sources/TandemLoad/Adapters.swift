// Protocol adapters: the same generator drives Tandem, the Node ws broadcast peer, nginx+nchan
// and y-websocket. Every editor operation carries a 13-character marker "[#NNNNNNNNNN]" naming
// (editor slot, sequence); watchers find it by scanning the bytes they receive.

import Foundation
import NIOCore
import NIOWebSocket

// MARK: - Tandem

/// Tandem's live protocol (docs/PROTOCOL.md): bearer token on the upgrade, `hello`, `subscribe`
/// → `snapshot`, `op` → `ack` for the editor and `op` for every other subscriber.
///
/// Editors type at the end of the reply draft: each op inserts one marker at the draft's end as
/// of the editor's base version. The draft stays bounded (like a real reply): slot 0 of each
/// ticket deletes the first 2,048 characters whenever the draft reaches 4,096. Because every
/// other operation inserts exactly 13 characters, an editor knows the draft's length at any
/// version it has seen: 13 x (inserts) - 2,048 x (trims).
final class TandemAdapter: Adapter {
    struct Setup: Decodable {
        var tickets: [String]
        var watcherTokens: [String]
        var editorTokens: [String]
    }

    unowned let bench: Bench
    let setup: Setup
    let subscribeFrames: [String]
    let topics: [String]
    static let trimAt = 4096
    static let trimBy = 2048

    init(bench: Bench, setupFile: String) throws {
        self.bench = bench
        setup = try JSONDecoder().decode(Setup.self, from: Data(contentsOf: URL(fileURLWithPath: setupFile)))
        guard !setup.tickets.isEmpty, !setup.watcherTokens.isEmpty, !setup.editorTokens.isEmpty else {
            throw ValidationFailure("the setup file needs tickets, watcherTokens and editorTokens")
        }
        topics = setup.tickets.map { "ticket:\($0)" }
        subscribeFrames = topics.map { #"{"type":"subscribe","topic":"\#($0)"}"# }
    }

    var editorsReceiveOthers: Bool { true }

    func path(for conn: Conn) -> String { "/ws" }

    func headers(for conn: Conn) -> [(String, String)] {
        let token: String
        if let editor = conn.editor {
            token = setup.editorTokens[editor.global % setup.editorTokens.count]
        } else {
            token = setup.watcherTokens[conn.index % setup.watcherTokens.count]
        }
        return [("Authorization", "Bearer \(token)"), ("Sec-WebSocket-Protocol", "tandem.v1")]
    }

    func opened(_ conn: Conn) {}  // the server speaks first (hello)

    func prepare(_ bench: Bench, then: @escaping () -> Void) { then() }

    func received(_ conn: Conn, _ b: UnsafeRawBufferPointer, binary: Bool) {
        do {
            guard let t = Scan.type(b) else {
                bench.error(conn, "no type: " + String(decoding: b.prefix(200), as: UTF8.self))
                return
            }
            if Scan.matches(b, at: t, #"op""#) {
                let now = nowNanos()
                var marked = false
                Scan.markers(b) { id in
                    marked = true
                    bench.delivered(conn, id: id, now: now)
                }
                if let editor = conn.editor {
                    if let v = Scan.int(after: #""version":"#, in: b), v > editor.maxVersion { editor.maxVersion = v }
                    if !marked { editor.trimsSeen += 1 }
                }
            } else if Scan.matches(b, at: t, #"ack""#) {
                guard let editor = conn.editor, let seq = Scan.int(after: #""seq":"#, in: b) else { return }
                if let v = Scan.int(after: #""v":"#, in: b), v > editor.maxVersion { editor.maxVersion = v }
                if editor.trimSeqs.remove(Int(seq)) != nil {
                    editor.trimsSeen += 1
                    editor.trimInFlight = false
                }
                bench.acked(editor, seq: Int(seq))
            } else if Scan.matches(b, at: t, #"hello""#) {
                conn.helloSeen = true
                if bench.options.subscribe {
                    conn.sendText(subscribeFrames[conn.room % subscribeFrames.count])
                } else {
                    bench.ready(conn)  // --no-subscribe: authenticated, idle, no topic
                }
            } else if Scan.matches(b, at: t, #"snapshot""#) {
                if let editor = conn.editor, let v = Scan.int(after: #""v":"#, in: b) {
                    editor.initialVersion = v
                    editor.maxVersion = v
                }
                bench.ready(conn)
            } else if Scan.matches(b, at: t, #"pong""#) {
                bench.pongs += 1
            } else if Scan.matches(b, at: t, #"resync""#) {
                bench.resyncs += 1
                bench.error(conn, "resync: " + String(decoding: b.prefix(200), as: UTF8.self))
            } else if Scan.matches(b, at: t, #"error""#) {
                bench.error(conn, String(decoding: b.prefix(240), as: UTF8.self))
                if let editor = conn.editor, let seq = Scan.int(after: #""seq":"#, in: b) {
                    // A refused operation: free its slot so that the closed loop goes on.
                    if editor.trimSeqs.remove(Int(seq)) != nil { editor.trimInFlight = false }
                    editor.inFlight = max(0, editor.inFlight - 1)
                    if bench.closedLoop && bench.sending { bench.send(editor) }
                }
                if !conn.finished { bench.failed(conn, String(decoding: b.prefix(200), as: UTF8.self)) }
            }
        }
    }

    func sendOp(_ editor: Editor, now: UInt64) -> (seq: Int, marked: Bool)? {
        let seq = editor.nextSeq
        editor.nextSeq += 1
        let base = editor.maxVersion
        let length = markerLength * Int(base - editor.initialVersion - Int64(editor.trimsSeen)) - Self.trimBy * editor.trimsSeen
        let op: String
        var marked = true
        if editor.slot == 0, !editor.trimInFlight, length >= Self.trimAt {
            op = #"[{"d":\#(Self.trimBy)}]"#
            editor.trimSeqs.insert(seq)
            editor.trimInFlight = true
            marked = false
        } else if length > 0 {
            op = #"[\#(length),"\#(marker(slot: editor.slot, seq: seq))"]"#
        } else {
            op = #"["\#(marker(slot: editor.slot, seq: seq))"]"#
        }
        editor.conn.sendText(
            #"{"type":"op","topic":"\#(topics[editor.room % topics.count])","client":"\#(editor.client)","seq":\#(seq),"v":\#(base),"op":{"kind":"text","field":"replyDraft","op":\#(op)}}"#
        )
        return (seq, marked)
    }

    func heartbeat(_ conn: Conn) {
        conn.sendText(#"{"type":"ping"}"#)
        bench.heartbeatsSent += 1
    }
}

// MARK: - Node ws + express broadcast peer (Benchmarks/peers/ws-broadcast.js)

final class WSBroadcastAdapter: Adapter {
    unowned let bench: Bench
    let rooms: [String]

    init(bench: Bench, prefix: String, rooms: Int) {
        self.bench = bench
        self.rooms = (0..<max(1, rooms)).map { "\(prefix)-\($0)" }
    }

    var editorsReceiveOthers: Bool { true }
    func path(for conn: Conn) -> String { "/ws" }
    func headers(for conn: Conn) -> [(String, String)] { [] }
    func prepare(_ bench: Bench, then: @escaping () -> Void) { then() }

    func opened(_ conn: Conn) {
        conn.sendText(#"{"type":"subscribe","room":"\#(rooms[conn.room % rooms.count])"}"#)
    }

    func received(_ conn: Conn, _ b: UnsafeRawBufferPointer, binary: Bool) {
        do {
            if Scan.hasPrefix(b, #"{"type":"op""#) {
                let now = nowNanos()
                Scan.markers(b) { id in bench.delivered(conn, id: id, now: now) }
                if let editor = conn.editor, let v = Scan.int(after: #""v":"#, in: b), v > editor.maxVersion {
                    editor.maxVersion = v
                }
            } else if Scan.hasPrefix(b, #"{"type":"ack""#) {
                guard let editor = conn.editor, let seq = Scan.int(after: #""seq":"#, in: b) else { return }
                if let v = Scan.int(after: #""v":"#, in: b), v > editor.maxVersion { editor.maxVersion = v }
                bench.acked(editor, seq: Int(seq))
            } else if Scan.hasPrefix(b, #"{"type":"snapshot""#) {
                bench.ready(conn)
            } else if Scan.hasPrefix(b, #"{"type":"pong""#) {
                bench.pongs += 1
            } else {
                bench.error(conn, String(decoding: b.prefix(200), as: UTF8.self))
            }
        }
    }

    func sendOp(_ editor: Editor, now: UInt64) -> (seq: Int, marked: Bool)? {
        let seq = editor.nextSeq
        editor.nextSeq += 1
        editor.conn.sendText(
            #"{"type":"op","room":"\#(rooms[editor.room % rooms.count])","client":"\#(editor.client)","seq":\#(seq),"v":\#(editor.maxVersion),"op":{"kind":"text","field":"replyDraft","op":[1,"\#(marker(slot: editor.slot, seq: seq))"]}}"#
        )
        return (seq, true)
    }

    func heartbeat(_ conn: Conn) {
        conn.sendText(#"{"type":"ping"}"#)
        bench.heartbeatsSent += 1
    }
}

// MARK: - nginx + nchan

/// Watchers subscribe with a WebSocket at /sub/<room> (/snap/<room> in the storm); editors publish with a WebSocket at
/// /pub/<room> (`nchan_publisher websocket`), and nchan answers every publish, in order, with
/// the channel's status: that answer is the editor's acknowledgement. nchan has no snapshot:
/// in fan-out a subscriber is ready once upgraded; in the storm each room first gets one message
/// and a subscriber is ready when that stored message arrives.
final class NchanAdapter: Adapter {
    unowned let bench: Bench
    let rooms: [String]
    private var preparing: [Conn] = []
    private var preparedAcks = 0

    init(bench: Bench, prefix: String, rooms: Int) {
        self.bench = bench
        self.rooms = (0..<max(1, rooms)).map { "\(prefix)-\($0)" }
    }

    var editorsReceiveOthers: Bool { false }

    func path(for conn: Conn) -> String {
        let room = rooms[conn.room % rooms.count]
        if conn.editor != nil { return "/pub/\(room)" }
        return bench.options.mode == .storm ? "/snap/\(room)" : "/sub/\(room)"
    }

    func headers(for conn: Conn) -> [(String, String)] { [] }

    func opened(_ conn: Conn) {
        if conn.editor != nil || bench.options.mode != .storm { bench.ready(conn) }
    }

    func received(_ conn: Conn, _ b: UnsafeRawBufferPointer, binary: Bool) {
        if let editor = conn.editor {
            // The publisher's status answer: acknowledges the oldest publish in flight.
            if let seq = editor.pending.popFirst() {
                if seq < 0 {
                    preparedAcks += 1
                    if preparedAcks == preparing.count { finishPrepare() }
                } else {
                    bench.acked(editor, seq: seq)
                }
            }
            return
        }
        if !conn.ready { bench.ready(conn) }
        let now = nowNanos()
        Scan.markers(b) { id in bench.delivered(conn, id: id, now: now) }
    }

    func sendOp(_ editor: Editor, now: UInt64) -> (seq: Int, marked: Bool)? {
        let seq = editor.nextSeq
        editor.nextSeq += 1
        editor.pending.append(seq)
        editor.conn.sendText(
            #"{"type":"op","room":"\#(rooms[editor.room % rooms.count])","client":"\#(editor.client)","seq":\#(seq),"op":{"kind":"text","field":"replyDraft","op":[1,"\#(marker(slot: editor.slot, seq: seq))"]}}"#
        )
        return (seq, true)
    }

    func heartbeat(_ conn: Conn) {
        conn.send(Opcode.ping, [104, 98])
        bench.heartbeatsSent += 1
    }

    private var prepared: (() -> Void)?

    /// Storm: publish one message per room first, so that each new subscriber gets it.
    func prepare(_ bench: Bench, then: @escaping () -> Void) {
        guard bench.options.mode == .storm else {
            then()
            return
        }
        prepared = then
        preparing = (0..<rooms.count).map { room in
            let editor = Editor(room: room, slot: 0, global: room, client: "snapshot-\(room)")
            let conn = Conn(index: room, room: room, editor: editor)
            editor.conn = conn
            return conn
        }
        bench.connectAll(preparing, concurrency: 64) {
            for conn in self.preparing {
                conn.editor?.pending.append(-1)
                conn.sendText(#"{"type":"snapshot","room":"\#(self.rooms[conn.room])"}"#)
            }
        }
    }

    private func finishPrepare() {
        for conn in preparing {
            conn.closed = true
            conn.channel?.close(promise: nil)
        }
        bench.resetConnectionCounters()
        let then = prepared
        prepared = nil
        then?()
    }
}

// MARK: - y-websocket (Debian's y-websocket-server)

/// The y-protocols sync protocol (lib0 varints): messageSync = 0 with syncStep1 = 0,
/// syncStep2 = 1, update = 2. A connection sends sync step 1 (an empty state vector) and is
/// ready when the server's sync step 2 arrives; it answers the server's step 1 with an empty
/// step 2, as y-websocket clients do. Editors replay real Yjs updates pre-generated by
/// peers/gen-yjs-updates.js; the server relays each to every connection of the document,
/// the sender included (that echo is the editor's acknowledgement: relayed, not durable).
final class YWebsocketAdapter: Adapter {
    unowned let bench: Bench
    let rooms: [String]
    /// Ready-to-send sync "update" messages: [slot][seq].
    let updates: [[ByteBuffer]]
    static let syncStep1Empty: [UInt8] = [0, 0, 1, 0]
    static let syncStep2Empty: [UInt8] = [0, 1, 2, 0, 0]

    init(bench: Bench, prefix: String, rooms: Int, updatesFile: String?) throws {
        self.bench = bench
        self.rooms = (0..<max(1, rooms)).map { "\(prefix)-\($0)" }
        var loaded: [[ByteBuffer]] = []
        if let updatesFile {
            let data = try Data(contentsOf: URL(fileURLWithPath: updatesFile))
            loaded = try Self.parse(data)
        }
        updates = loaded
    }

    static func parse(_ data: Data) throws -> [[ByteBuffer]] {
        let bytes = [UInt8](data)
        guard bytes.count >= 12, bytes[0] == 0x59, bytes[1] == 0x55, bytes[2] == 0x50, bytes[3] == 0x44 else {
            throw ValidationFailure("not a YUPD file")
        }
        func u32(_ at: Int) -> Int {
            Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
        }
        let editors = u32(4)
        let perEditor = u32(8)
        var at = 12
        var out: [[ByteBuffer]] = []
        let allocator = ByteBufferAllocator()
        for _ in 0..<editors {
            var list: [ByteBuffer] = []
            list.reserveCapacity(perEditor)
            for _ in 0..<perEditor {
                guard at + 2 <= bytes.count else { throw ValidationFailure("truncated YUPD file") }
                let length = Int(bytes[at]) | Int(bytes[at + 1]) << 8
                at += 2
                guard at + length <= bytes.count else { throw ValidationFailure("truncated YUPD file") }
                var message = allocator.buffer(capacity: length + 8)
                message.writeInteger(UInt8(0))  // messageSync
                message.writeInteger(UInt8(2))  // messageYjsUpdate
                var n = length  // varUint8Array length
                while n >= 0x80 {
                    message.writeInteger(UInt8(n & 0x7F | 0x80))
                    n >>= 7
                }
                message.writeInteger(UInt8(n))
                message.writeBytes(bytes[at..<(at + length)])
                at += length
                list.append(message)
            }
            out.append(list)
        }
        return out
    }

    var editorsReceiveOthers: Bool { true }
    func path(for conn: Conn) -> String { "/\(rooms[conn.room % rooms.count])" }
    func headers(for conn: Conn) -> [(String, String)] { [] }
    func prepare(_ bench: Bench, then: @escaping () -> Void) { then() }

    func opened(_ conn: Conn) {
        conn.send(Opcode.binary, Self.syncStep1Empty)
    }

    func received(_ conn: Conn, _ b: UnsafeRawBufferPointer, binary: Bool) {
        do {
            guard b.count >= 2, b[0] == 0 else { return }  // awareness and others: ignored
            switch b[1] {
            case 0:  // the server's sync step 1: answer with an (empty) step 2
                conn.send(Opcode.binary, Self.syncStep2Empty)
            case 1:  // sync step 2: the document as of now
                bench.ready(conn)
            case 2:
                let now = nowNanos()
                Scan.markers(b) { id in
                    if let editor = conn.editor, Int(id / markerStride) == editor.slot {
                        bench.acked(editor, seq: Int(id % markerStride))
                    } else {
                        bench.delivered(conn, id: id, now: now)
                    }
                }
            default:
                break
            }
        }
    }

    func sendOp(_ editor: Editor, now: UInt64) -> (seq: Int, marked: Bool)? {
        guard editor.slot < updates.count, editor.nextSeq < updates[editor.slot].count else { return nil }
        let seq = editor.nextSeq
        editor.nextSeq += 1
        editor.conn.send(Opcode.binary, updates[editor.slot][seq])
        return (seq, true)
    }

    func heartbeat(_ conn: Conn) {
        conn.send(Opcode.ping, [104, 98])
        bench.heartbeatsSent += 1
    }
}

struct ValidationFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
