// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// What uploads are held to, from the `attachments.*` settings.
public struct AttachmentSettings: Sendable {
    public var maxBytes: Int
    public var ticketQuotaBytes: Int64
    public var maxImagePixels: Int
    /// Sniffed types accepted; empty: every type not denied.
    public var allowedTypes: Set<String>
    /// Sniffed types refused whatever ``allowedTypes`` says.
    public var deniedTypes: Set<String>

    public init(_ configuration: TandemConfiguration.Attachments) {
        maxBytes = configuration.maxBytes
        ticketQuotaBytes = Int64(configuration.ticketQuotaBytes)
        maxImagePixels = configuration.maxImagePixels
        allowedTypes = Set(configuration.allowedTypes)
        deniedTypes = Set(configuration.deniedTypes)
    }

    /// Whether a file sniffed as `type` may be uploaded.
    public func accepts(_ type: String) -> Bool {
        !deniedTypes.contains(type) && (allowedTypes.isEmpty || allowedTypes.contains(type))
    }

    /// Whether `path` is an upload route, which has its own body limit (``maxBytes``).
    static func isUpload(_ path: String) -> Bool {
        path.hasPrefix("/api/v1/tickets/") && path.hasSuffix("/attachments")
    }
}
