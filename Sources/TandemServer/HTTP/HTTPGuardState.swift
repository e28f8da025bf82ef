// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOCore

/// What ``HTTPGuard`` knows of one HTTP/1 connection, and what it decides: a state machine
/// with no I/O, driven by ``HTTPConnectionGuard`` (parts, responses, timers) and
/// ``HTTPHeadMeter`` (bytes). Times are passed in.
///
/// Invariants: while the connection is ``Phase/open``, some deadline is armed unless the
/// server itself is producing a response to a fully read request on a writable socket;
/// after a refusal or the last response, input is thrown away and the socket is closed
/// within `lingerTimeout`; once ``Phase/disarmed`` (an upgrade), nothing is decided.
struct HTTPGuardState {
    /// The request side of the connection.
    enum Inbound: Equatable {
        /// No byte of a next request yet.
        case waiting(since: NIODeadline)
        /// Bytes of a request head are arriving: `bytes` of them so far.
        case head(since: NIODeadline, bytes: Int)
        /// The head was read; the body (possibly empty) is arriving.
        case body(headEnd: NIODeadline, lastRead: NIODeadline)
        /// A request asking for a protocol upgrade was read: the decoder parses nothing more, and
        /// what arrives is not HTTP until the response head says whether the upgrade happened.
        case upgrading
        /// No more requests are taken; input is thrown away.
        case shut
    }

    enum Phase: Equatable {
        case open
        /// A refusal waits for the responses owed before it: it is written once `responsesEnded`
        /// reaches `after`, or the socket closed when `since + idleTimeout` passes.
        case refusing(HTTPRefusal, after: Int, since: NIODeadline)
        /// Output is closed (or closing); input is drained until the client closes or `until`.
        case lingering(until: NIODeadline)
        /// A protocol upgrade happened: the guard no longer applies.
        case disarmed
    }

    /// What the driver must do.
    enum Action: Equatable {
        case none
        /// Close the socket now (idle, or a client that stopped reading): nothing can be answered.
        case close
        /// Write this answer, then close output and linger.
        case send(HTTPRefusal)
        /// Close output once what was written is flushed, and linger.
        case closeOutput
    }

    /// What to do with bytes that arrived, before the HTTP decoder sees them.
    enum Admission: Equatable {
        case forward
        /// Forward this many bytes, then ask ``afterPrefix(now:)``: the head limit lies inside.
        case forwardPrefix(Int)
        case drop
    }

    let settings: HTTPGuardSettings
    private(set) var inbound: Inbound
    private(set) var phase = Phase.open
    /// Request heads read, and response ends written, on this connection.
    private(set) var requestsRead = 0
    private(set) var responsesEnded = 0
    /// A response head was written and its end not yet.
    private(set) var responseOpen = false
    /// The request being read (or the last one read) is the last this connection takes.
    private(set) var lastRequest = false
    private var upgradeRequested = false
    private var unwritableSince: NIODeadline?

    init(settings: HTTPGuardSettings, now: NIODeadline) {
        self.settings = settings
        self.inbound = .waiting(since: now)
    }

    /// Whether request parts go on to the server.
    var acceptsParts: Bool {
        guard phase == .open else { return false }
        return inbound != .shut
    }

    /// Whether inbound data is raw bytes rather than request parts (an upgrade under way).
    var passesRawData: Bool {
        phase == .disarmed || inbound == .upgrading
    }

    /// Output is closed or closing; only the client's close (or the linger deadline) is awaited.
    var isLingering: Bool {
        if case .lingering = phase { return true }
        return false
    }

    private var responsesOwed: Bool { responseOpen || requestsRead > responsesEnded }

    // MARK: Bytes

    mutating func admit(_ count: Int, now: NIODeadline) -> Admission {
        switch phase {
        case .disarmed: return .forward
        case .refusing, .lingering: return .drop
        case .open: break
        }
        switch inbound {
        case .shut: return .drop
        case .upgrading: return .forward
        case .body(let headEnd, _):
            inbound = .body(headEnd: headEnd, lastRead: now)
            return .forward
        case .waiting:
            inbound = .head(since: now, bytes: 0)
            return admit(count, now: now)
        case .head(let since, let bytes):
            let room = max(0, settings.maxHeadBytes - bytes)
            if count <= room {
                inbound = .head(since: since, bytes: bytes + count)
                return .forward
            }
            inbound = .head(since: since, bytes: bytes + room)
            return .forwardPrefix(room)
        }
    }

    /// After a ``Admission/forwardPrefix(_:)``: a head still unfinished is too large.
    mutating func afterPrefix(now: NIODeadline) -> Action {
        guard phase == .open, case .head = inbound else { return .none }
        return refuse(.headTooLarge(limit: settings.maxHeadBytes), now: now)
    }

    // MARK: Request parts

    /// `upgrade`: the head asks for a protocol upgrade (`Connection: upgrade` with an
    /// `Upgrade` field, or `CONNECT`), after which the HTTP decoder stops parsing.
    mutating func headRead(upgrade: Bool, now: NIODeadline) {
        requestsRead += 1
        inbound = .body(headEnd: now, lastRead: now)
        upgradeRequested = upgrade
        if requestsRead >= settings.maxRequestsPerConnection { lastRequest = true }
    }

    mutating func endRead(now: NIODeadline) {
        if upgradeRequested {
            inbound = .upgrading
        } else {
            inbound = lastRequest ? .shut : .waiting(since: now)
        }
    }

    // MARK: Responses

    /// A response head goes out. Returns whether it must say `Connection: close`.
    mutating func responseHeadWritten(status: Int) -> Bool {
        if status == 101 {
            phase = .disarmed
            return false
        }
        if (100..<200).contains(status) { return false }
        responseOpen = true
        if upgradeRequested {
            // A refused upgrade: the decoder parses nothing more on this connection.
            upgradeRequested = false
            lastRequest = true
            inbound = .shut
        }
        return lastRequest && responsesEnded + 1 == requestsRead
    }

    mutating func responseEndWritten(now: NIODeadline) -> Action {
        responseOpen = false
        responsesEnded += 1
        switch phase {
        case .refusing: return refusalDue(now: now)
        case .lingering, .disarmed: return .none
        case .open: break
        }
        if lastRequest && responsesEnded >= requestsRead {
            inbound = .shut
            phase = .lingering(until: now + settings.lingerTimeout)
            return .closeOutput
        }
        if case .waiting = inbound { inbound = .waiting(since: now) }
        return .none
    }

    mutating func writabilityChanged(writable: Bool, now: NIODeadline) {
        unwritableSince = writable ? nil : (unwritableSince ?? now)
    }

    // MARK: Refusals and deadlines

    /// A request cannot be read (a parse error, a limit, a deadline): answer it once the
    /// responses owed before it are written, then close.
    mutating func refuse(_ refusal: HTTPRefusal, now: NIODeadline) -> Action {
        guard phase == .open else { return .none }
        // A fault inside a body belongs to a request already counted; one in a head, to the next.
        var after = requestsRead
        if case .body = inbound { after -= 1 }
        inbound = .shut
        phase = .refusing(refusal, after: after, since: now)
        return refusalDue(now: now)
    }

    private mutating func refusalDue(now: NIODeadline) -> Action {
        guard case .refusing(let refusal, let after, _) = phase, !responseOpen else { return .none }
        if responsesEnded > after {
            // The server answered the faulty request itself (before reading all of its body).
            phase = .lingering(until: now + settings.lingerTimeout)
            return .closeOutput
        }
        if responsesEnded == after {
            phase = .lingering(until: now + settings.lingerTimeout)
            return .send(refusal)
        }
        return .none
    }

    /// A graceful shutdown: close an idle connection now, a busy one after its response.
    mutating func quiesce() -> Action {
        guard phase == .open else { return .none }
        if case .waiting = inbound, !responsesOwed { return .close }
        lastRequest = true
        return .none
    }

    /// The earliest moment something is due, if any.
    var nextDeadline: NIODeadline? {
        switch phase {
        case .disarmed: return nil
        case .lingering(let until): return until
        case .refusing(_, _, let since): return since + settings.idleTimeout
        case .open: break
        }
        var deadlines: [NIODeadline] = []
        if let unwritableSince, responsesOwed { deadlines.append(unwritableSince + settings.idleTimeout) }
        switch inbound {
        case .waiting(let since) where !responsesOwed: deadlines.append(since + settings.idleTimeout)
        case .head(let since, _): deadlines.append(since + settings.headTimeout)
        case .body(let headEnd, let lastRead):
            deadlines.append(min(headEnd + settings.bodyTimeout, lastRead + settings.idleTimeout))
        case .waiting, .upgrading, .shut: break
        }
        return deadlines.min()
    }

    /// The timer fired at `now`: what, if anything, is due.
    mutating func deadlineReached(now: NIODeadline) -> Action {
        switch phase {
        case .disarmed: return .none
        case .lingering(let until): return now >= until ? .close : .none
        case .refusing(let refusal, let after, let since):
            guard now >= since + settings.idleTimeout else { return .none }
            // The responses owed did not come in time: answer if between responses, else cut.
            if responseOpen { return .close }
            phase = .lingering(until: now + settings.lingerTimeout)
            return responsesEnded > after ? .closeOutput : .send(refusal)
        case .open: break
        }
        if let unwritableSince, responsesOwed, now >= unwritableSince + settings.idleTimeout { return .close }
        switch inbound {
        case .waiting(let since):
            if !responsesOwed, now >= since + settings.idleTimeout { return .close }
        case .head(let since, _):
            if now >= since + settings.headTimeout { return refuse(.timeout, now: now) }
        case .body(let headEnd, let lastRead):
            if now >= headEnd + settings.bodyTimeout || now >= lastRead + settings.idleTimeout {
                return refuse(.timeout, now: now)
            }
        case .upgrading, .shut: break
        }
        return .none
    }
}
