// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// The seam between actors and connections: the actor decides who gets an event,
/// the delivery writes it. Never blocks: each connection has its own bounded queue.
public protocol EventDelivery: Sendable {
    /// Delivers `event` to each of `subscribers` (in call order per subscriber).
    func deliver(_ event: LiveEvent, to subscribers: [SubscriberAddress])
}
