// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging

/// Wraps the process's log handler: error and critical events get a `fingerprint` field
/// (``LogEventCounter/fingerprint(label:level:message:)``) and are counted in a ``LogEventCounter``.
public struct FingerprintLogHandler: LogHandler {
    private var inner: any LogHandler
    private let label: String
    private let counter: LogEventCounter

    public init(wrapping inner: any LogHandler, label: String, counter: LogEventCounter) {
        self.inner = inner
        self.label = label
        self.counter = counter
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        guard LogEventCounter.counts(event.level) else {
            inner.log(event: event)
            return
        }
        let fingerprint = LogEventCounter.fingerprint(label: label, level: event.level, message: "\(event.message)")
        counter.record(level: event.level, label: label, fingerprint: fingerprint)
        var event = event
        var metadata = event.metadata ?? [:]
        metadata["fingerprint"] = .string(fingerprint)
        event.metadata = metadata
        inner.log(event: event)
    }
}
