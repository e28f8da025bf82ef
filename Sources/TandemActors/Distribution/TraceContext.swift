// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// The trace the running task's work belongs to: a W3C trace id (32 lower-case hex digits).
///
/// Set for a request by the HTTP layer; carried by the cluster relay with every call to another
/// node and set again there around the call, so that a change made through one node is logged
/// under the same `trace.id` on the node that owns the ticket (the process's log handlers add
/// it to every line written while it is set).
public enum TraceContext {
    @TaskLocal public static var traceID: String?
}
