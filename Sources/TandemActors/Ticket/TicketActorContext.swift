// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import TandemCore
import TandemStore

/// Tuning of ticket actors.
public struct TicketActorSettings: Sendable {
    /// Write a snapshot after this many operations since the last one.
    public var snapshotEveryOps: Int = 200
    /// …or when the oldest operation since the last snapshot is this old.
    public var snapshotIntervalMilliseconds: Int64 = 5_000
    /// Committed operations kept in memory for catch-up and transformation.
    public var recentOpsLimit: Int = 2_000
    /// Group commit: when the previous batch carried several ops, the next leader waits up to
    /// this long for that many to queue, so that they share one store write (one fsync).
    /// Zero turns the wait off; a lone writer never waits.
    public var groupCommitWait: Duration = .microseconds(1_000)
    /// Presence not refreshed for this long is dropped.
    public var presenceTTLMilliseconds: Int64 = 30_000
    /// Typing and a caret not renewed by a `presence` message for this long fall back to
    /// plain `viewing` (heartbeats keep a viewer, never a typist). With the one-second
    /// maintenance sweep, a dead typist shows as typing for at most this plus a second.
    public var activityTTLMilliseconds: Int64 = 4_000
    /// A public reply by staff waits this long, undoable, before the customer can see it; 0 publishes at once.
    public var replyUndoMilliseconds: Int64 = 10_000
    public var limits = TicketLimits()

    public init() {}
}

/// What a ticket actor needs from the rest of the node.
public struct TicketActorContext: Sendable {
    public var store: any TicketStore
    public var delivery: any EventDelivery
    public var observer: any TicketCommitObserver
    public var directory: any TicketDirectory
    public var clock: any TandemClock
    public var settings: TicketActorSettings
    public var policy = AccessPolicy()
    public var logger: Logger
    /// Whether this node still holds the ticket's lease, by its own clock. Asked before every
    /// store write: an owner that cannot show it holds the lease does not commit (the store's
    /// (ticket, version) fence is the last line, not the first).
    public var holdsLease: @Sendable () -> Bool = { true }
    /// Folds failures that repeat while the store is away into one line per message (shared by
    /// the registry's actors).
    public var quiet = LogThrottle(interval: .seconds(10))

    public init(
        store: any TicketStore, delivery: any EventDelivery, observer: any TicketCommitObserver,
        directory: any TicketDirectory, clock: any TandemClock, settings: TicketActorSettings, logger: Logger
    ) {
        self.store = store
        self.delivery = delivery
        self.observer = observer
        self.directory = directory
        self.clock = clock
        self.settings = settings
        self.logger = logger
    }
}
