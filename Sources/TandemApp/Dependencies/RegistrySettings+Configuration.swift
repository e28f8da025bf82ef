// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemActors
import TandemServer

extension RegistrySettings {
    /// The actors' settings that `actors.*`, `replies.*`, `live.*` and `cluster.*` name.
    public init(_ configuration: TandemConfiguration) {
        self.init()
        idleMilliseconds = Int64(configuration.actors.idleSeconds) * 1000
        ticket.snapshotEveryOps = configuration.actors.snapshotEveryOps
        ticket.snapshotIntervalMilliseconds = Int64(configuration.actors.snapshotIntervalMilliseconds)
        ticket.limits.maxTextScalars = configuration.actors.maxTextScalars
        ticket.replyUndoMilliseconds = Int64(configuration.replies.undoMilliseconds)
        // A viewer stays up to two heartbeats without one, never less than 30 s (unless configured);
        // typing and carets need their own renewal (`activityTTLMilliseconds`).
        ticket.presenceTTLMilliseconds =
            configuration.cluster.presenceTTLMilliseconds > 0
            ? Int64(configuration.cluster.presenceTTLMilliseconds)
            : max(30_000, Int64(configuration.live.heartbeatSeconds) * 2_000)
        rate.opsPerSecond = Double(configuration.live.opsPerSecond)
        rate.burst = Double(configuration.live.opsBurst)
    }
}
