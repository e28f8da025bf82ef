// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// One command: its name and binary-safe arguments.
///
/// ```swift
/// let reply = try await client.send(RedisCommand("SET", "ticket:42", payloadBytes, "PX", 5000))
/// ```
///
/// Arguments are stored back to back in one buffer with their end offsets, so
/// handing them to hiredis (`redisAppendCommandArgv`, which takes pointers and
/// lengths) needs no per-argument allocation and NUL bytes pass unchanged.
public struct RedisCommand: Sendable, Hashable, CustomStringConvertible {
    private var storage: [UInt8] = []
    private var ends: [Int] = []

    /// A command from its name and arguments.
    public init(_ name: String, _ arguments: any RedisArgument...) {
        self.init(name, arguments: arguments)
    }

    /// A command from its name and a list of arguments.
    public init(_ name: String, arguments: [any RedisArgument]) {
        append(name)
        for argument in arguments { append(argument) }
    }

    /// Appends one argument.
    public mutating func append(_ argument: some RedisArgument) {
        argument.appendRedisArgument(to: &storage)
        ends.append(storage.count)
    }

    /// Appends each argument of a list (for example every key of a `DEL`).
    public mutating func append(contentsOf arguments: [some RedisArgument]) {
        for argument in arguments { append(argument) }
    }

    /// The number of words, the name included.
    public var count: Int { ends.count }

    /// The command name as given.
    public var name: String { String(decoding: self[0], as: UTF8.self) }

    /// The bytes of word `index` (0 is the name).
    public subscript(index: Int) -> ArraySlice<UInt8> {
        storage[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
    }

    /// The name and argument sizes; arguments may be secrets, so they are not shown.
    public var description: String {
        "\(name) (\(count - 1) arguments, \(storage.count - self[0].count) bytes)"
    }

    /// Whether hiredis can format it (it has at least a name word).
    var isSendable: Bool { !storage.isEmpty }

    /// Calls `body` with hiredis's `argc`, `argv` and `argvlen`, valid only during the call.
    func withArgv<Result>(
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> Result
    ) throws(RedisError) -> Result {
        guard !storage.isEmpty, let argc = Int32(exactly: ends.count) else {
            throw RedisError(.invalidArgument, "a command needs a name")
        }
        return storage.withUnsafeBytes { raw in
            // `storage` is not empty, so it has a base address.
            let base = raw.baseAddress!
            var pointers: [UnsafePointer<CChar>?] = []
            var lengths: [Int] = []
            pointers.reserveCapacity(ends.count)
            lengths.reserveCapacity(ends.count)
            var start = 0
            for end in ends {
                pointers.append((base + start).assumingMemoryBound(to: CChar.self))
                lengths.append(end - start)
                start = end
            }
            return pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeBufferPointer { argvlen in body(argc, argv.baseAddress!, argvlen.baseAddress!) }
            }
        }
    }
}
