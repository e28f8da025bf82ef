// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Makes time-ordered identifiers: a kind prefix, 10 characters of
/// millisecond timestamp and 16 random characters in Crockford base 32.
///
/// Two identifiers made in different milliseconds sort in creation order;
/// within one millisecond their order is random but stable.
public struct IdentifierGenerator: Sendable {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    public init() {}

    /// A new identifier with the given prefix, for example `usr`.
    public func make<Tag>(_ prefix: String, at millisecondsSince1970: UInt64) -> Identifier<Tag> {
        var rng = SystemRandomNumberGenerator()
        return make(prefix, at: millisecondsSince1970, using: &rng)
    }

    /// A new identifier, drawing randomness from `rng` (deterministic in tests).
    public func make<Tag, R: RandomNumberGenerator>(
        _ prefix: String, at millisecondsSince1970: UInt64, using rng: inout R
    ) -> Identifier<Tag> {
        var bytes = [UInt8](repeating: 0, count: 26)
        var time = millisecondsSince1970
        for index in stride(from: 9, through: 0, by: -1) {
            bytes[index] = Self.alphabet[Int(time & 31)]
            time >>= 5
        }
        for index in 10..<26 {
            bytes[index] = Self.alphabet[Int(rng.next() & 31)]
        }
        return Identifier("\(prefix)_" + String(decoding: bytes, as: UTF8.self))
    }
}
