// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Closes or re-checks connections on behalf of actors (implemented by the protocol layer).
public protocol ConnectionControl: Sendable {
    /// Closes a connection with a WebSocket close code and reason.
    func close(_ address: SubscriberAddress, code: UInt16, reason: String)
    /// Re-reads the connection's permissions and drops subscriptions it no longer may hold.
    func recheck(_ address: SubscriberAddress)
}
