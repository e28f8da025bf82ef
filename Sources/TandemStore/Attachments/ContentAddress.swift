// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Crypto

/// Where stored bytes live: the SHA-256 of the bytes, as 64 lowercase hex digits.
/// The same bytes always have the same address, so they are stored once.
public struct ContentAddress: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let sha256: String

    /// `nil` unless `hex` is 64 lowercase hex digits (the form is checked, so an address can name
    /// a file on disk without a path trick).
    public init?(hex: String) {
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            return nil
        }
        sha256 = hex
    }

    /// The address of a finished hash.
    public init(_ digest: SHA256.Digest) {
        sha256 = digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The address of `bytes`.
    public static func of(_ bytes: [UInt8]) -> ContentAddress { ContentAddress(SHA256.hash(data: bytes)) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let address = ContentAddress(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a SHA-256"))
        }
        self = address
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(sha256)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.sha256 < rhs.sha256 }

    public var description: String { sha256 }
}
