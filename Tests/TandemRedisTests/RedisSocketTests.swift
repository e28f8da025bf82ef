// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#endif
@testable import TandemRedis
import Testing

/// The socket under a connection: never standard I/O, never inherited by a child process.
@Suite("Redis sockets", .enabled(if: RedisTestEnvironment.enabled))
struct RedisSocketTests {
    @Test("a connection's socket is closed on exec and lies above standard input, output and error")
    func socketIsPrivateToTheProcess() throws {
        let connection = try RedisConnection(try RedisTestEnvironment.options())
        let descriptor = connection.fileDescriptor
        // hiredis 0.14 never closes descriptor 0, and a child process holding a copy of the
        // socket would keep the connection (a subscriber, say) alive in Redis after we close it.
        #expect(descriptor > 2)
        let flags = fcntl(descriptor, F_GETFD)
        #expect(flags >= 0 && flags & FD_CLOEXEC != 0, "flags \(flags)")
        #expect(try connection.run([RedisCommand("PING")], deadline: .now + .seconds(5)).first?.string == "PONG")
    }
}
