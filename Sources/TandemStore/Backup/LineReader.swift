// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation

/// Reads a file line by line (`\n`), in chunks, with lines of any length.
final class LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    private static let chunk = 1 << 20

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw BackupError("cannot open \(path) for reading")
        }
        self.handle = handle
    }

    deinit {
        try? handle.close()
    }

    /// The next line without its `\n`, and whether it had one; `nil` at the end of the file.
    func next() throws -> (line: ArraySlice<UInt8>, terminated: Bool)? {
        var searchFrom = start
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: 0x0A) {
                let line = buffer[start..<newline]
                start = newline + 1
                return (line, true)
            }
            guard !atEnd else {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                return (line, false)
            }
            // Keep the unread part and read on.
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            searchFrom = buffer.count
            let data = try handle.read(upToCount: Self.chunk) ?? Data()
            if data.isEmpty { atEnd = true } else { buffer.append(contentsOf: data) }
        }
    }
}
