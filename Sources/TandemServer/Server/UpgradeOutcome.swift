// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HTTPTypes
import Synchronization

/// Where the `/ws` router leaves its answer to an upgrade for ``LiveUpgrader``: consent, with
/// the response headers (the negotiated subprotocol) and the identity the request
/// authenticated as, or the error that refused it (``UpgradeRefusalMiddleware``).
/// One per request context; copies of the context share it.
final class UpgradeOutcome: Sendable {
    struct Accepted: Sendable {
        var headers: HTTPFields
        var identity: AuthenticatedIdentity?
    }

    private let state = Mutex<(accepted: Accepted?, refusal: APIError?)>((nil, nil))

    var accepted: Accepted? { state.withLock { $0.accepted } }
    var refusal: APIError? { state.withLock { $0.refusal } }

    func accept(_ headers: HTTPFields, identity: AuthenticatedIdentity?) {
        state.withLock { $0.accepted = Accepted(headers: headers, identity: identity) }
    }

    func refuse(_ error: APIError) {
        state.withLock { $0.refusal = error }
    }
}
