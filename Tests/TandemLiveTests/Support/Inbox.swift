// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Synchronization

/// One server frame as received: the raw text and its parsed JSON.
struct ServerMessage: Sendable, CustomStringConvertible {
    let index: Int
    let text: String
    let json: JSON

    var type: String { json["type"]?.string ?? "?" }
    var topic: String? { json["topic"]?.string }
    var code: String? { json["code"]?.string }
    var description: String { text.count > 400 ? String(text.prefix(400)) + "…" : text }
}

/// How a connection ended, as the client saw it.
struct CloseInfo: Sendable, CustomStringConvertible {
    /// The close code the server sent, if any.
    var code: UInt16?
    var reason: String?
    /// The error the client library threw, if any.
    var error: String?

    var description: String {
        "close(code: \(code.map(String.init) ?? "none"), reason: \(reason ?? "-"), error: \(error ?? "-"))"
    }
}

struct InboxTimeout: Error, CustomStringConvertible {
    let what: String
    let seen: [ServerMessage]
    var description: String {
        "timed out waiting for \(what); last frames: \(seen.suffix(8).map(\.description).joined(separator: " | "))"
    }
}

/// Every frame a test client received, in order, with awaitable lookups.
///
/// Nothing is ever removed: `all` is the complete log (privacy checks read it). `next(…)`
/// hands out each frame at most once, so successive waits walk forward through the log
/// while frames of other kinds stay available to other waits.
final class Inbox: Sendable {
    private struct State {
        var messages: [ServerMessage] = []
        var taken: Set<Int> = []
        var closed: CloseInfo?
    }
    private let state = Mutex(State())

    func append(_ text: String) -> ServerMessage {
        state.withLock { state in
            let message = ServerMessage(index: state.messages.count, text: text, json: JSON(parsing: text) ?? .null)
            state.messages.append(message)
            return message
        }
    }

    func finish(_ info: CloseInfo) {
        state.withLock { if $0.closed == nil { $0.closed = info } }
    }

    var all: [ServerMessage] { state.withLock { $0.messages } }
    var closeInfo: CloseInfo? { state.withLock { $0.closed } }
    var isClosed: Bool { closeInfo != nil }

    /// Takes the first frame not taken yet that matches `predicate`, waiting up to `timeout`.
    func next(
        _ what: String, timeout: Duration = .seconds(5), where predicate: (ServerMessage) -> Bool
    ) async throws -> ServerMessage {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (found, closed): (ServerMessage?, Bool) = state.withLock { state in
                for message in state.messages where !state.taken.contains(message.index) && predicate(message) {
                    state.taken.insert(message.index)
                    return (message, false)
                }
                return (nil, state.closed != nil)
            }
            if let found { return found }
            if closed || ContinuousClock.now >= deadline {
                throw InboxTimeout(what: closed ? "\(what) (connection closed: \(closeInfo!))" : what, seen: all)
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Takes the next frame of `type` (and `topic`, when given).
    func next(_ type: String, topic: String? = nil, timeout: Duration = .seconds(5)) async throws -> ServerMessage {
        try await next("\(type) \(topic ?? "")", timeout: timeout) { $0.type == type && (topic == nil || $0.topic == topic) }
    }

    /// Waits until the connection ends.
    func waitForClose(timeout: Duration = .seconds(5)) async throws -> CloseInfo {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let info = closeInfo { return info }
            if ContinuousClock.now >= deadline { throw InboxTimeout(what: "the connection to close", seen: all) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Frames received after the given index that match `predicate` (taken or not).
    func frames(after index: Int = -1, where predicate: (ServerMessage) -> Bool = { _ in true }) -> [ServerMessage] {
        state.withLock { $0.messages.filter { $0.index > index && predicate($0) } }
    }

    /// Whether no frame matching `predicate` arrives within `duration` (taken or not, after `index`).
    func staysQuiet(for duration: Duration, after index: Int = -1, where predicate: (ServerMessage) -> Bool) async throws -> Bool
    {
        try await Task.sleep(for: duration)
        return frames(after: index, where: predicate).isEmpty
    }

    /// The index of the latest frame, for "after this point" checks.
    var mark: Int { state.withLock { $0.messages.count - 1 } }
}
