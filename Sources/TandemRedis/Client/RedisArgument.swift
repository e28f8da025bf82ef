// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOCore

/// A value that can be one argument of a ``RedisCommand``: its bytes, sent as is.
public protocol RedisArgument: Sendable {
    /// Appends the argument's bytes.
    func appendRedisArgument(to bytes: inout [UInt8])
}

extension String: RedisArgument {
    /// The UTF-8 bytes.
    public func appendRedisArgument(to bytes: inout [UInt8]) { bytes.append(contentsOf: utf8) }
}

extension Substring: RedisArgument {
    /// The UTF-8 bytes.
    public func appendRedisArgument(to bytes: inout [UInt8]) { bytes.append(contentsOf: utf8) }
}

extension Array: RedisArgument where Element == UInt8 {
    /// The bytes, unchanged.
    public func appendRedisArgument(to bytes: inout [UInt8]) { bytes.append(contentsOf: self) }
}

extension ArraySlice: RedisArgument where Element == UInt8 {
    /// The bytes, unchanged.
    public func appendRedisArgument(to bytes: inout [UInt8]) { bytes.append(contentsOf: self) }
}

extension ByteBuffer: RedisArgument {
    /// The readable bytes, unchanged.
    public func appendRedisArgument(to bytes: inout [UInt8]) {
        withUnsafeReadableBytes { bytes.append(contentsOf: $0) }
    }
}

extension Int: RedisArgument {
    /// The decimal text, as Redis expects integers.
    public func appendRedisArgument(to bytes: inout [UInt8]) { bytes.append(contentsOf: String(self).utf8) }
}

extension Int64: RedisArgument {
    /// The decimal text, as Redis expects integers.
    public func appendRedisArgument(to bytes: inout [UInt8]) { bytes.append(contentsOf: String(self).utf8) }
}

extension UInt64: RedisArgument {
    /// The decimal text, as Redis expects integers.
    public func appendRedisArgument(to bytes: inout [UInt8]) { bytes.append(contentsOf: String(self).utf8) }
}
