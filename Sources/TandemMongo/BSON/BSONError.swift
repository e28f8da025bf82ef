// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Why BSON bytes could not be written or read.
public struct BSONError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "BSON: \(message)" }
}
