// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Crypto
import Foundation
import Hummingbird

/// Who may read `/metrics` (route names, request counts, open sockets: a map of the
/// deployment). Development mode leaves it open unless `metrics.token` is set; production
/// mode serves it only to `Authorization: Bearer <metrics.token>`, and not at all without one.
enum MetricsAccess: Sendable {
    case open
    case token(SHA256.Digest)
    case off

    init(token: String, mode: RunMode) {
        if !token.isEmpty {
            self = .token(SHA256.hash(data: Data(token.utf8)))
        } else {
            self = mode == .production ? .off : .open
        }
    }

    /// Throws the typed refusal unless `request` may read the metrics.
    func check(_ request: Request) throws {
        switch self {
        case .open:
            return
        case .off:
            throw APIError(
                .forbidden, code: "metrics_disabled",
                message: "Metrics are off: in production mode /metrics needs metrics.token (TANDEM_METRICS_TOKEN).")
        case .token(let expected):
            let presented = request.headers[.authorization].flatMap { header -> Substring? in
                header.lowercased().hasPrefix("bearer ") ? header.dropFirst(7) : nil
            }
            // Digests compare in constant time: the comparison says nothing about the token.
            guard let presented, SHA256.hash(data: Data(presented.utf8)) == expected else {
                throw APIError(
                    .unauthorized, code: "metrics_token_required",
                    message: "Send the metrics token (metrics.token) as Authorization: Bearer.",
                    headers: [.wwwAuthenticate: #"Bearer realm="metrics""#])
            }
        }
    }
}
