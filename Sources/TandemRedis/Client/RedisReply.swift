// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import CHiredis

/// One reply in Redis's RESP2 protocol.
public enum RedisReply: Sendable, Hashable {
    /// A simple string (`+OK`).
    case status(String)
    /// An error reply (`-ERR …`). ``RedisClient/send(_:)`` throws it as ``RedisError``;
    /// ``RedisClient/pipeline(_:)`` leaves it in place.
    case error(String)
    /// An integer (`:42`).
    case integer(Int64)
    /// A binary-safe bulk string.
    case bulk([UInt8])
    /// An array, possibly nested.
    case array([RedisReply])
    /// The null bulk string or null array (a missing key, a `SET … NX` that did nothing).
    case null

    /// A bulk or status reply as UTF-8 text (invalid bytes are replaced).
    public var string: String? {
        switch self {
        case .bulk(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let text): text
        default: nil
        }
    }

    /// A bulk reply's bytes.
    public var bytes: [UInt8]? {
        if case .bulk(let bytes) = self { bytes } else { nil }
    }

    /// An integer reply.
    public var integer: Int64? {
        if case .integer(let value) = self { value } else { nil }
    }

    /// An array reply's elements.
    public var array: [RedisReply]? {
        if case .array(let elements) = self { elements } else { nil }
    }

    /// Whether this is the null reply.
    public var isNull: Bool { self == .null }

    /// The reply, or the error reply thrown as a ``RedisError`` of kind `server`.
    public func get() throws(RedisError) -> RedisReply {
        if case .error(let message) = self { throw RedisError(.server, message) }
        return self
    }
}

extension RedisReply {
    /// Copies a hiredis reply tree into Swift values.
    init(_ reply: UnsafePointer<redisReply>) throws(RedisError) {
        let node = reply.pointee
        switch node.type {
        case REDIS_REPLY_STRING:
            self = .bulk(Self.bytes(node))
        case REDIS_REPLY_STATUS:
            self = .status(String(decoding: Self.bytes(node), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            self = .error(String(decoding: Self.bytes(node), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int64(node.integer))
        case REDIS_REPLY_NIL:
            self = .null
        case REDIS_REPLY_ARRAY:
            var elements: [RedisReply] = []
            elements.reserveCapacity(node.elements)
            for index in 0..<node.elements {
                guard let element = node.element[index] else {
                    throw RedisError(.protocolError, "array element \(index) is missing")
                }
                elements.append(try RedisReply(element))
            }
            self = .array(elements)
        default:
            throw RedisError(.protocolError, "unknown reply type \(node.type)")
        }
    }

    private static func bytes(_ node: redisReply) -> [UInt8] {
        guard let str = node.str, node.len > 0 else { return [] }
        return str.withMemoryRebound(to: UInt8.self, capacity: node.len) {
            Array(UnsafeBufferPointer(start: $0, count: node.len))
        }
    }
}
