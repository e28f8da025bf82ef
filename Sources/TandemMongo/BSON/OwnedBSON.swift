// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import CMongoc

/// A heap `bson_t` owned by Swift: made from a ``BSONDocument`` (or empty, as an
/// out-parameter), destroyed in `deinit`.
///
/// libbson allocates it, because Debian's libbson is built with
/// `BSON_EXTRA_ALIGN` (128-byte alignment) and Swift cannot lay one out.
/// Not `Sendable`: it lives for one blocking call on one thread.
final class OwnedBSON {
    /// The `bson_t *`.
    let pointer: OpaquePointer
    private let isReply: Bool

    /// A copy of `document` in libbson's memory.
    /// - Throws: ``BSONError`` when the document cannot be encoded.
    init(_ document: BSONDocument) throws(BSONError) {
        let bytes = try document.bytes()
        let pointer = bytes.withUnsafeBufferPointer { buffer in
            bson_new_from_data(buffer.baseAddress, buffer.count)
        }
        guard let pointer else { throw BSONError("libbson refused a document of \(bytes.count) bytes") }
        self.pointer = pointer
        self.isReply = false
    }

    /// An empty document for an API to fill (a `reply` out-parameter).
    init() {
        self.pointer = tandem_bson_alloc()
        self.isReply = true
    }

    deinit {
        if isReply {
            tandem_bson_free(pointer)
        } else {
            bson_destroy(pointer)
        }
    }

    /// The document, read back into Swift.
    func document() throws(BSONError) -> BSONDocument {
        try Self.document(at: pointer)
    }

    /// Copies the `bson_t` at `pointer` (owned by someone else) into a ``BSONDocument``.
    static func document(at pointer: OpaquePointer) throws(BSONError) -> BSONDocument {
        let count = Int(tandem_bson_len(pointer))
        guard let data = bson_get_data(pointer) else { throw BSONError("libbson returned no data") }
        return try BSONDocument(pointer: data, count: count)
    }
}
