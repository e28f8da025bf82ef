// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// One user's live presence on this node: their connections, what they are subscribed
/// to for notifications, and their operation budget shared across connections.
public actor SessionActor {
    public nonisolated let user: UserID
    private let delivery: any EventDelivery
    private let control: any ConnectionControl
    private let settings: RateSettings
    private var connections: [SubscriberAddress: SessionID] = [:]
    private var notificationSubscribers: Set<SubscriberAddress> = []
    private var bucket: TokenBucket
    /// The bucket shared by every node of a cluster; this node's own bucket is the fallback.
    private let budget: (any SharedRateBudget)?
    /// Refusals in the current run: a run ends when ``RateSettings/refusalQuiet`` passes with none.
    private var refusals = 0
    private var lastRefusal: Timestamp?
    var lastActivity: Timestamp

    init(
        user: UserID, delivery: any EventDelivery, control: any ConnectionControl, settings: RateSettings,
        now: Timestamp, budget: (any SharedRateBudget)? = nil
    ) {
        self.user = user
        self.delivery = delivery
        self.control = control
        self.settings = settings
        self.bucket = TokenBucket(rate: settings.opsPerSecond, burst: settings.burst, now: now)
        self.budget = budget
        self.lastActivity = now
    }

    /// Registers a connection opened under `session`.
    public func connected(_ address: SubscriberAddress, session: SessionID, now: Timestamp) {
        connections[address] = session
        lastActivity = now
    }

    /// Forgets a closed connection.
    public func disconnected(_ address: SubscriberAddress, now: Timestamp) {
        connections[address] = nil
        notificationSubscribers.remove(address)
        lastActivity = now
    }

    /// Sends this user's notifications to `address` from now on.
    public func subscribeNotifications(_ address: SubscriberAddress) {
        notificationSubscribers.insert(address)
    }

    public func unsubscribeNotifications(_ address: SubscriberAddress) {
        notificationSubscribers.remove(address)
    }

    /// Pushes a notification to every connection subscribed to the user's stream.
    public func notify(_ notification: UserNotification, unread: Int) {
        guard !notificationSubscribers.isEmpty else { return }
        delivery.deliver(.notification(notification, unread: unread), to: Array(notificationSubscribers))
    }

    /// Spends one operation from the user's budget (shared by the cluster's nodes when configured).
    public func spend(now: Timestamp) async -> RateVerdict {
        let shared = await budget?.take(user: user, settings: settings, now: now)
        if shared ?? bucket.take(now: now) { return .allowed }
        // Accepted messages do not end a run: a client sending far over the rate gets a token
        // now and then as the bucket refills, and must still reach the threshold.
        if let last = lastRefusal, now.millisecondsSince1970 - last.millisecondsSince1970 >= settings.refusalQuietMilliseconds {
            refusals = 0
        }
        lastRefusal = now
        refusals += 1
        return refusals >= settings.abusiveAfter ? .abusive : .limited
    }

    /// Closes the connections of the given sessions (revoked), or of all sessions when `nil`.
    public func revoke(sessions: Set<SessionID>?, reason: String) {
        for (address, session) in connections where sessions?.contains(session) ?? true {
            control.close(address, code: CloseCode.sessionRevoked, reason: reason)
            connections[address] = nil
            notificationSubscribers.remove(address)
        }
    }

    /// Asks every connection to re-check its subscriptions (team membership or role changed).
    public func permissionsChanged() {
        for address in connections.keys { control.recheck(address) }
    }

    var isIdle: Bool { connections.isEmpty }
}
