// Byte scanning: the generator never decodes JSON. It looks for a handful of fixed keys
// and for the message markers "[#NNNNNNNNNN]" that editors put into every operation.

import NIOCore

/// The marker every editor inserts: "[#" + 10 decimal digits + "]" (13 characters).
/// The number is `slot * markerStride + seq` (editor slot within its room, editor sequence).
let markerStride: UInt64 = 1 << 24
let markerLength = 13

@inline(__always)
func marker(slot: Int, seq: Int) -> String {
    let id = UInt64(slot) * markerStride + UInt64(seq)
    var digits = String(id)
    if digits.count < 10 { digits = String(repeating: "0", count: 10 - digits.count) + digits }
    return "[#" + digits + "]"
}

enum Scan {
    /// Calls `body` with the number of every "[#NNNNNNNNNN]" marker in `bytes`.
    @inline(__always)
    static func markers(_ bytes: UnsafeRawBufferPointer, _ body: (UInt64) -> Void) {
        let n = bytes.count
        guard n >= markerLength else { return }
        var i = 0
        let last = n - markerLength
        while i <= last {
            if bytes[i] == UInt8(ascii: "["), bytes[i + 1] == UInt8(ascii: "#"), bytes[i + 12] == UInt8(ascii: "]") {
                var value: UInt64 = 0
                var ok = true
                for j in 2..<12 {
                    let c = bytes[i + j]
                    guard c >= 48, c <= 57 else {
                        ok = false
                        break
                    }
                    value = value * 10 + UInt64(c - 48)
                }
                if ok {
                    body(value)
                    i += markerLength
                    continue
                }
            }
            i += 1
        }
    }

    /// The value of the first `"type":"..."` key, compared with `value` (which ends with the
    /// closing quote, e.g. `op"`). Key order is not fixed (Foundation's JSONEncoder on Linux
    /// writes keys in hash order), and nested objects of the frames we read have no "type" key.
    static func type(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let key: StaticString = #""type":""#
        let k = key.utf8Start
        let kc = key.utf8CodeUnitCount
        let n = bytes.count
        var i = 0
        outer: while i + kc < n {
            for j in 0..<kc where bytes[i + j] != k[j] {
                i += 1
                continue outer
            }
            return i + kc
        }
        return nil
    }

    @inline(__always)
    static func matches(_ bytes: UnsafeRawBufferPointer, at index: Int, _ value: StaticString) -> Bool {
        let count = value.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let p = value.utf8Start
        for i in 0..<count where bytes[index + i] != p[i] { return false }
        return true
    }

    /// Whether `bytes` starts with `prefix`.
    @inline(__always)
    static func hasPrefix(_ bytes: UnsafeRawBufferPointer, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        let p = prefix.utf8Start
        for i in 0..<count where bytes[i] != p[i] { return false }
        return true
    }

    /// The integer after the first occurrence of `key` (e.g. `"seq":`), or nil.
    static func int(after key: StaticString, in bytes: UnsafeRawBufferPointer) -> Int64? {
        let k = key.utf8Start
        let kc = key.utf8CodeUnitCount
        let n = bytes.count
        guard n > kc else { return nil }
        var i = 0
        outer: while i + kc < n {
            for j in 0..<kc where bytes[i + j] != k[j] {
                i += 1
                continue outer
            }
            var p = i + kc
            var negative = false
            if p < n, bytes[p] == UInt8(ascii: "-") {
                negative = true
                p += 1
            }
            var value: Int64 = 0
            var digits = 0
            while p < n, bytes[p] >= 48, bytes[p] <= 57 {
                value = value * 10 + Int64(bytes[p] - 48)
                p += 1
                digits += 1
            }
            return digits > 0 ? (negative ? -value : value) : nil
        }
        return nil
    }

    /// Whether `needle` occurs in `bytes`.
    static func contains(_ needle: StaticString, in bytes: UnsafeRawBufferPointer) -> Bool {
        let k = needle.utf8Start
        let kc = needle.utf8CodeUnitCount
        let n = bytes.count
        guard n >= kc else { return false }
        var i = 0
        outer: while i + kc <= n {
            for j in 0..<kc where bytes[i + j] != k[j] {
                i += 1
                continue outer
            }
            return true
        }
        return false
    }
}
