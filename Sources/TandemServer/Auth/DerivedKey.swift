// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Crypto
import Foundation

/// Keys of their own for each use of `auth.jwtSecret` (HMAC-SHA256 of the purpose under the
/// secret), so that a MAC made for one purpose is never valid for another. Every node of a
/// cluster shares the secret, so each recognises what any node sealed.
enum DerivedKey {
    static func from(_ secret: String, purpose: String) -> SymmetricKey {
        SymmetricKey(
            data: Data(HMAC<SHA256>.authenticationCode(for: Data(purpose.utf8), using: SymmetricKey(data: Data(secret.utf8)))))
    }
}
