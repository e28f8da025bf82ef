// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

extension BSONDocument {
    /// The document in BSON wire format.
    /// - Throws: ``BSONError`` when a key contains NUL (keys are C strings).
    public func bytes() throws(BSONError) -> [UInt8] {
        var writer = BSONWriter()
        try writer.write(self)
        return writer.buffer
    }

    /// Parses a document from BSON wire format; every byte must belong to it.
    /// - Throws: ``BSONError`` for truncated or malformed input and invalid UTF-8.
    public init(bytes: some Collection<UInt8>) throws(BSONError) {
        let array = Array(bytes)
        var reader = BSONReader(array)
        self = try reader.readDocument()
        guard reader.offset == array.count else {
            throw BSONError("\(array.count - reader.offset) trailing bytes after the document")
        }
    }

    /// Parses a document from `count` bytes at `pointer` (copied).
    public init(pointer: UnsafePointer<UInt8>, count: Int) throws(BSONError) {
        try self.init(bytes: UnsafeBufferPointer(start: pointer, count: count))
    }
}

/// Serializes documents, little-endian as the specification requires.
struct BSONWriter {
    private(set) var buffer: [UInt8] = []

    mutating func write(_ document: BSONDocument) throws(BSONError) {
        let start = buffer.count
        append(Int32(0))  // length, patched below
        for field in document.fields {
            try element(field.key, field.value)
        }
        buffer.append(0)
        patchLength(at: start)
    }

    private mutating func write(array: [BSON]) throws(BSONError) {
        let start = buffer.count
        append(Int32(0))
        for (index, value) in array.enumerated() {
            try element(String(index), value)
        }
        buffer.append(0)
        patchLength(at: start)
    }

    private mutating func element(_ key: String, _ value: BSON) throws(BSONError) {
        buffer.append(value.typeByte)
        try cString(key)
        switch value {
        case .double(let double): append(double.bitPattern)
        case .string(let string): self.string(string)
        case .document(let document): try write(document)
        case .array(let array): try write(array: array)
        case .binary(let binary):
            append(Int32(binary.bytes.count))
            buffer.append(binary.subtype)
            buffer.append(contentsOf: binary.bytes)
        case .objectID(let id): buffer.append(contentsOf: id.bytes)
        case .bool(let bool): buffer.append(bool ? 1 : 0)
        case .datetime(let millis): append(millis)
        case .null, .minKey, .maxKey: break
        case .regex(let pattern, let options):
            try cString(pattern)
            try cString(String(options.sorted()))
        case .int32(let int): append(int)
        case .timestamp(let increment, let seconds):
            append(increment)
            append(seconds)
        case .int64(let int): append(int)
        case .decimal128(let decimal): buffer.append(contentsOf: decimal.bytes)
        }
    }

    private mutating func string(_ string: String) {
        let utf8 = string.utf8
        append(Int32(utf8.count + 1))
        buffer.append(contentsOf: utf8)
        buffer.append(0)
    }

    private mutating func cString(_ string: String) throws(BSONError) {
        let utf8 = string.utf8
        guard !utf8.contains(0) else { throw BSONError("a key or regular expression contains NUL: \(string.debugDescription)") }
        buffer.append(contentsOf: utf8)
        buffer.append(0)
    }

    private mutating func append<Integer: FixedWidthInteger>(_ value: Integer) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
    }

    private mutating func patchLength(at start: Int) {
        let length = UInt32(buffer.count - start).littleEndian
        withUnsafeBytes(of: length) { bytes in
            for index in 0..<4 { buffer[start + index] = bytes[index] }
        }
    }
}

/// Parses BSON with a bounds check on every read.
struct BSONReader {
    private let bytes: [UInt8]
    private(set) var offset = 0
    /// Nesting deeper than this is refused (a stack overflow guard; MongoDB allows 100).
    private static let maximumDepth = 200

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func readDocument(depth: Int = 0) throws(BSONError) -> BSONDocument {
        guard depth <= Self.maximumDepth else { throw BSONError("nested deeper than \(Self.maximumDepth) levels") }
        let start = offset
        let length = Int(try read(Int32.self))
        guard length >= 5, start + length <= bytes.count else {
            throw BSONError("document length \(length) at offset \(start) exceeds the \(bytes.count) bytes available")
        }
        let end = start + length
        var document = BSONDocument()
        while true {
            guard offset < end else { throw BSONError("document at offset \(start) is not terminated") }
            let type = bytes[offset]
            offset += 1
            if type == 0 { break }
            let key = try readCString()
            document.append(key, try readValue(type: type, depth: depth, key: key))
        }
        guard offset == end else { throw BSONError("document at offset \(start) ends at \(offset), not at \(end)") }
        return document
    }

    private mutating func readValue(type: UInt8, depth: Int, key: String) throws(BSONError) -> BSON {
        switch type {
        case 0x01: return .double(Double(bitPattern: try read(UInt64.self)))
        case 0x02: return .string(try readString())
        case 0x03: return .document(try readDocument(depth: depth + 1))
        case 0x04: return .array(try readDocument(depth: depth + 1).fields.map(\.value))
        case 0x05:
            let count = Int(try read(Int32.self))
            let subtype = try readBytes(1)[0]
            guard count >= 0 else { throw BSONError("negative binary length for \(key)") }
            return .binary(BSONBinary(subtype: subtype, bytes: try readBytes(count)))
        case 0x06: return .null  // undefined (deprecated)
        case 0x07: return .objectID(BSONObjectID(bytes: try readBytes(12)))
        case 0x08:
            let byte = try readBytes(1)[0]
            guard byte <= 1 else { throw BSONError("boolean \(key) holds \(byte)") }
            return .bool(byte == 1)
        case 0x09: return .datetime(try read(Int64.self))
        case 0x0A: return .null
        case 0x0B: return .regex(pattern: try readCString(), options: try readCString())
        case 0x10: return .int32(try read(Int32.self))
        case 0x11:
            let increment = try read(UInt32.self)
            return .timestamp(increment: increment, seconds: try read(UInt32.self))
        case 0x12: return .int64(try read(Int64.self))
        case 0x13: return .decimal128(BSONDecimal128(bytes: try readBytes(16)))
        case 0xFF: return .minKey
        case 0x7F: return .maxKey
        default:
            throw BSONError("unsupported BSON type 0x\(String(type, radix: 16)) for \(key)")
        }
    }

    private mutating func read<Integer: FixedWidthInteger>(_: Integer.Type) throws(BSONError) -> Integer {
        let size = MemoryLayout<Integer>.size
        guard offset + size <= bytes.count else { throw BSONError("truncated at offset \(offset)") }
        var value = Integer.zero
        for index in 0..<size {
            value |= Integer(truncatingIfNeeded: bytes[offset + index]) << (8 * index)
        }
        offset += size
        return value
    }

    private mutating func readBytes(_ count: Int) throws(BSONError) -> [UInt8] {
        guard count >= 0, offset + count <= bytes.count else { throw BSONError("truncated at offset \(offset)") }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    private mutating func readString() throws(BSONError) -> String {
        let length = Int(try read(Int32.self))
        guard length >= 1, offset + length <= bytes.count, bytes[offset + length - 1] == 0 else {
            throw BSONError("malformed string at offset \(offset)")
        }
        defer { offset += length }
        return try utf8(bytes[offset..<offset + length - 1])
    }

    private mutating func readCString() throws(BSONError) -> String {
        guard let end = bytes[offset...].firstIndex(of: 0) else { throw BSONError("unterminated key at offset \(offset)") }
        defer { offset = end + 1 }
        return try utf8(bytes[offset..<end])
    }

    private func utf8(_ slice: ArraySlice<UInt8>) throws(BSONError) -> String {
        guard let string = String(validating: slice, as: UTF8.self) else {
            throw BSONError("invalid UTF-8 at offset \(slice.startIndex)")
        }
        return string
    }
}
