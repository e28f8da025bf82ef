// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Typed shortcuts for the commands Tandem uses most.
extension RedisClient {
    /// `PING`: proves a connection works.
    public func ping() async throws(RedisError) {
        let reply = try await send(RedisCommand("PING"))
        guard reply == .status("PONG") else { throw Self.unexpected(reply, to: "PING") }
    }

    /// `GET key`: the value's bytes, or `nil` when the key does not exist.
    public func get(_ key: some RedisArgument) async throws(RedisError) -> [UInt8]? {
        let reply = try await send(RedisCommand("GET", key))
        switch reply {
        case .bulk(let bytes): return bytes
        case .null: return nil
        default: throw Self.unexpected(reply, to: "GET")
        }
    }

    /// `SET key value [PX milliseconds]`.
    public func set(
        _ key: some RedisArgument, to value: some RedisArgument, expiry: Duration? = nil
    )
        async throws(RedisError)
    {
        var command = RedisCommand("SET", key, value)
        if let expiry {
            command.append("PX")
            command.append(expiry.milliseconds(atLeast: 1))
        }
        let reply = try await send(command)
        guard reply == .status("OK") else { throw Self.unexpected(reply, to: "SET") }
    }

    /// `DEL key…`: how many of the keys existed.
    @discardableResult
    public func delete(_ keys: [String]) async throws(RedisError) -> Int {
        guard !keys.isEmpty else { return 0 }
        var command = RedisCommand("DEL")
        command.append(contentsOf: keys)
        return try await integer(command)
    }

    /// `PUBLISH channel payload`: how many subscribers (on every node) received it.
    @discardableResult
    public func publish(_ payload: some RedisArgument, to channel: String) async throws(RedisError) -> Int {
        try await integer(RedisCommand("PUBLISH", channel, payload))
    }

    /// Sends a command whose reply is an integer.
    public func integer(_ command: RedisCommand) async throws(RedisError) -> Int {
        let reply = try await send(command)
        guard let value = reply.integer, let int = Int(exactly: value) else {
            throw Self.unexpected(reply, to: command.name)
        }
        return int
    }

    static func unexpected(_ reply: RedisReply, to command: String) -> RedisError {
        RedisError(.protocolError, "unexpected reply to \(command): \(reply)")
    }
}
