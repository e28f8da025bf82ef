// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HummingbirdWebSocket
import NIOCore
import Synchronization

/// Holds a request's ``WebSocketHandlerReference`` until the request's connection closes.
///
/// Hummingbird's WebSocket upgrade stores the upgraded request's context inside that reference
/// (with the handler to run), and the context holds the reference: a reference cycle. With the
/// context's channel in it, every WebSocket connection's channel, buffers and identity stayed in
/// memory after it closed (about 11 KiB each; issue 13's churn). Once the connection's
/// `closeFuture` completes the slot drops the reference, which breaks the cycle. The reference is
/// made on first use, so plain HTTP requests (which never ask for it) register nothing.
final class WebSocketReferenceSlot: Sendable {
    private enum State: Sendable {
        case unused
        case held(WebSocketHandlerReference<TandemRequestContext>)
        /// The connection closed: what is handed out from now on is not kept here.
        case released
    }

    private let state = Mutex(State.unused)
    private let closeFuture: EventLoopFuture<Void>

    init(closeFuture: EventLoopFuture<Void>) {
        self.closeFuture = closeFuture
    }

    /// The request's reference: the same one on every call until the connection closes.
    var reference: WebSocketHandlerReference<TandemRequestContext> {
        let (reference, isNew) = state.withLock { state -> (WebSocketHandlerReference<TandemRequestContext>, Bool) in
            switch state {
            case .held(let reference):
                return (reference, false)
            case .unused:
                let reference = WebSocketHandlerReference<TandemRequestContext>()
                state = .held(reference)
                return (reference, true)
            case .released:
                return (WebSocketHandlerReference(), false)
            }
        }
        // Outside the lock: on a closed channel's event loop the callback runs at once.
        if isNew { closeFuture.whenComplete { _ in self.release() } }
        return reference
    }

    /// Whether the slot still holds a reference (for tests).
    var holdsReference: Bool {
        state.withLock { if case .held = $0 { true } else { false } }
    }

    private func release() {
        state.withLock { $0 = .released }
    }
}
