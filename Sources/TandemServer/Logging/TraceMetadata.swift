// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import TandemActors

extension Logger.MetadataProvider {
    /// `trace.id` of the running task's ``TraceContext``, on every log line written under it
    /// (a request's, and on another node the calls the relay made for it).
    public static let traceContext = Logger.MetadataProvider {
        TraceContext.traceID.map { ["trace.id": .string($0)] } ?? [:]
    }
}
