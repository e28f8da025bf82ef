// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// What a backup archive says about itself (its `#manifest` line).
public struct BackupManifest: Sendable, Hashable, Codable {
    /// One section: the records of one kind.
    public struct Section: Sendable, Hashable, Codable {
        public var kind: StoreRecordKind
        public var records: Int
        /// The bytes of the section's record lines, newlines included.
        public var bytes: Int
        /// SHA-256 (hex) of those bytes.
        public var sha256: String
    }

    /// The archive format version (``BackupFormat/version``).
    public var format: Int
    /// When the export started, ISO 8601 (UTC).
    public var createdAt: String
    public var createdAtMilliseconds: Int64
    /// The store that was exported: `sqlite` or `mongodb`.
    public var store: String
    /// How consistent the records are with each other (see ``StoreExportInfo``).
    public var consistency: String
    /// Every kind, in ``StoreRecordKind`` order.
    public var sections: [Section]

    /// Records per kind.
    public var counts: [StoreRecordKind: Int] {
        Dictionary(uniqueKeysWithValues: sections.map { ($0.kind, $0.records) })
    }
}

/// Why an archive was refused. Nothing was written to any store.
public struct BackupError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// The archive layout: UTF-8 text, one item per line.
///
/// ```
/// tandem-backup 1
/// #section users
/// {"createdAt":…,"email":…}          one JSON object per record
/// #section teams
/// …                                  every kind, in StoreRecordKind order
/// #manifest {"format":1,"sections":[{"kind":"users","records":2,"bytes":…,"sha256":…}],…}
/// #end sha256=<SHA-256 of every byte before this line>
/// ```
///
/// Records are the domain values' JSON (sorted keys), so an archive does not
/// depend on the store that wrote it; a `ticketOps` line is
/// `{"ticket": id, "op": TicketOp}`. The manifest comes last (like a zip
/// file's directory) so the archive is written in one streaming pass; the
/// `#end` line makes a truncated file detectable.
public enum BackupFormat {
    public static let version = 1
    static let header = "tandem-backup \(version)"
    static let sectionPrefix = "#section "
    static let manifestPrefix = "#manifest "
    static let endPrefix = "#end sha256="
}
