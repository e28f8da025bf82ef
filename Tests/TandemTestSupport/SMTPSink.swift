// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation

/// The real SMTP server `scripts/test.sh` starts (`scripts/smtp-sink.py`, aiosmtpd): every
/// message it accepts is a JSON file in `TANDEM_TEST_SMTP_DIR/messages`, with what Python's own
/// e-mail parser read from it. Tests share the server: each uses recipients of its own.
public enum SMTPSink {
    public static let service = TestService(variable: "TANDEM_TEST_SMTP_URL", needs: "mail tests", starts: "scripts/smtp-sink.py")
    public static var enabled: Bool { service.enabled }
    public static func requireURL() throws -> String { try service.requireURL() }
    /// The sink's certificate (a CA file for STARTTLS).
    public static var caFile: String? { ProcessInfo.processInfo.environment["TANDEM_TEST_SMTP_CA"] }
    /// The credentials the sink accepts.
    public static let username = "tandem"
    public static let password = "sink-password"

    /// A message the sink received.
    public struct Received: Decodable, Sendable {
        public struct Parsed: Decodable, Sendable {
            /// Decoded header values by lower-case name.
            public var headers: [String: [String]]
            public var contentType: String
            public var text: String?
            public var html: String?
            public var defects: [String]

            public func header(_ name: String) -> String? { headers[name.lowercased()]?.first }
        }
        public var mailFrom: String
        public var rcptTos: [String]
        public var tls: Bool
        public var authenticated: String?
        /// The message as received.
        public var data: String
        public var parsed: Parsed
    }

    /// A recipient address no other test uses.
    public static func uniqueAddress(_ name: String) -> String {
        "\(name)-\(UUID().uuidString.prefix(8).lowercased())@example.com"
    }

    /// Every message received so far for `recipient`, oldest first.
    public static func messages(to recipient: String) throws -> [Received] {
        guard let directory = ProcessInfo.processInfo.environment["TANDEM_TEST_SMTP_DIR"] else {
            throw MissingServer(message: "TANDEM_TEST_SMTP_DIR is not set (run the mail tests with scripts/test.sh)")
        }
        let folder = URL(fileURLWithPath: directory).appendingPathComponent("messages")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            let received = try JSONDecoder().decode(Received.self, from: Data(contentsOf: folder.appendingPathComponent(name)))
            return received.rcptTos.contains { $0.caseInsensitiveCompare(recipient) == .orderedSame } ? received : nil
        }
    }

    /// Waits until at least `count` messages for `recipient` arrived (polling), and returns them.
    public static func waitForMessages(
        to recipient: String, count: Int = 1, timeout: Duration = .seconds(30)
    ) async throws -> [Received] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let found = try messages(to: recipient)
            if found.count >= count { return found }
            guard ContinuousClock.now < deadline else {
                throw MissingServer(message: "\(found.count) of \(count) messages for \(recipient) arrived within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
