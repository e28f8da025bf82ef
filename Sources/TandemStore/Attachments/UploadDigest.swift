// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Crypto

/// The running SHA-256 and size of an upload, which every storage keeps as bytes arrive.
public struct UploadDigest: Sendable {
    public init() {}

    private var hasher = SHA256()
    public private(set) var size: Int64 = 0

    public mutating func update(_ bytes: [UInt8]) {
        hasher.update(data: bytes)
        size += Int64(bytes.count)
    }

    public func finish() -> ContentAddress { ContentAddress(hasher.finalize()) }
}
