// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// C copies of Swift strings that live until the arena is released: for C structs
/// that hold many string pointers at once (nested `withCString` calls would not scale).
/// Not shared between threads; used within one call.
final class CStringArena {
    private var pointers: [UnsafeMutablePointer<CChar>] = []

    /// A NUL-terminated copy of `string`, valid while the arena lives.
    func copy(_ string: String) -> UnsafePointer<CChar> {
        let pointer = strdup(string)!
        pointers.append(pointer)
        return UnsafePointer(pointer)
    }

    /// `nil` stays `nil` (an optional C field).
    func copy(_ string: String?) -> UnsafePointer<CChar>? {
        string.map { copy($0) }
    }

    deinit {
        for pointer in pointers { free(pointer) }
    }
}
