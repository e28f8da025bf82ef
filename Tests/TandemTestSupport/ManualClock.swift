// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Synchronization
import TandemCore

/// A clock that stands still until a test moves it.
package final class ManualClock: TandemClock {
    private let millis: Mutex<Int64>

    package init(start: Timestamp = Timestamp(millisecondsSince1970: 1_800_000_000_000)) {
        millis = Mutex(start.millisecondsSince1970)
    }

    package func now() -> Timestamp { Timestamp(millisecondsSince1970: millis.withLock { $0 }) }

    package func advance(milliseconds: Int64) { millis.withLock { $0 += milliseconds } }
}
