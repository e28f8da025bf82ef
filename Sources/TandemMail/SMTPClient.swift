// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import CCurl
import Logging
import NIOPosix
import Synchronization
import TandemCore

/// Sends mail over SMTP with libcurl, with an async API.
///
/// ```swift
/// let smtp = SMTPClient(SMTPSettings(url: "smtp://mail.example.com:587", username: "u", password: "p"), logger: logger)
/// try await smtp.send(message, at: clock.now())
/// await smtp.shutdown()
/// ```
///
/// A libcurl transfer blocks, so each runs on a dedicated, bounded `NIOThreadPool` (never on
/// an event loop or Swift's cooperative pool), one connection per message: STARTTLS as
/// ``SMTPSettings/tls`` says, AUTH when there are credentials (curl picks the strongest
/// mechanism both sides know), bounded by the connect and transfer timeouts. Nothing is
/// retried here: a caller that retries (the outbox) decides with ``MailError/isPermanent``.
public final class SMTPClient: Sendable {
    public let settings: SMTPSettings
    private let threads: NIOThreadPool
    private let closed = Mutex(false)
    private let logger: Logger

    public init(_ settings: SMTPSettings, logger: Logger) {
        _ = MailDriver.initialized
        var settings = settings
        settings.connections = max(1, settings.connections)
        self.settings = settings
        var logger = logger
        logger[metadataKey: "smtp"] = "\(settings.url)"
        self.logger = logger
        self.threads = NIOThreadPool(numberOfThreads: settings.connections)
        threads.start()
        logger.debug("smtp client started", metadata: ["curl": "\(MailDriver.curlVersion)", "tls": "\(settings.tls.rawValue)"])
    }

    /// Composes `message` (``MIMEComposer``, dated `date`) and sends it to its recipient, with
    /// its `from` address as the envelope sender.
    public func send(_ message: MailMessage, at date: Timestamp) async throws(MailError) {
        let data = try MIMEComposer.compose(message, date: date)
        try await send(raw: data, from: message.from.address, to: [message.to.address])
    }

    /// Sends an already composed message to the envelope recipients.
    public func send(raw data: [UInt8], from: String, to recipients: [String]) async throws(MailError) {
        guard !closed.withLock({ $0 }) else { throw MailError(.shutdown, "the SMTP client is shut down") }
        guard !recipients.isEmpty else { throw MailError(.invalidMessage, "no recipient") }
        let settings = self.settings
        let url = try settings.curlURL()
        let outcome: Result<Void, MailError>
        do {
            outcome = try await threads.runIfActive {
                Self.transfer(data, from: from, to: recipients, url: url, settings: settings)
            }
        } catch {
            throw MailError(.shutdown, "the SMTP threads are stopped: \(error)")
        }
        switch outcome {
        case .success:
            logger.debug("message sent", metadata: ["recipients": "\(recipients.count)", "bytes": "\(data.count)"])
        case .failure(let error):
            throw error
        }
    }

    /// Waits for the transfers running, then stops the threads. Calling it again does nothing.
    public func shutdown() async {
        let first = closed.withLock { closed in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        try? await threads.shutdownGracefully()
    }

    deinit {
        if !closed.withLock({ $0 }) { try? threads.syncShutdownGracefully() }
    }

    /// One blocking transfer on the calling (pool) thread.
    private static func transfer(
        _ data: [UInt8], from: String, to recipients: [String], url: String, settings: SMTPSettings
    ) -> Result<Void, MailError> {
        let arena = CStringArena()
        let rcpts: [UnsafePointer<CChar>?] = recipients.map { arena.copy("<\($0)>") }
        var result = tandem_smtp_result()
        data.withUnsafeBufferPointer { bytes in
            rcpts.withUnsafeBufferPointer { list in
                var request = tandem_smtp_request()
                request.url = arena.copy(url)
                request.mail_from = arena.copy("<\(from)>")
                request.recipients = list.baseAddress
                request.recipient_count = list.count
                request.username = arena.copy(settings.username)
                request.password = arena.copy(settings.password)
                request.tls =
                    switch settings.tls {
                    case .none: TANDEM_SMTP_TLS_NONE
                    case .opportunistic: TANDEM_SMTP_TLS_OPPORTUNISTIC
                    case .required, .implicit: TANDEM_SMTP_TLS_REQUIRED
                    }
                request.ca_file = arena.copy(settings.caFile)
                request.connect_timeout_ms = Int(settings.connectTimeout.components.seconds * 1000)
                request.timeout_ms = Int(settings.timeout.components.seconds * 1000)
                bytes.withMemoryRebound(to: CChar.self) { chars in
                    request.data = chars.baseAddress
                    request.length = chars.count
                    tandem_smtp_send(&request, &result)
                }
            }
        }
        guard result.curl_code != 0 else { return .success(()) }
        let text = withUnsafePointer(to: &result.error) { pointer in
            pointer.withMemoryRebound(to: CChar.self, capacity: Int(CURL_ERROR_SIZE)) { String(cString: $0) }
        }
        let detail = text.isEmpty ? String(cString: tandem_curl_strerror(result.curl_code)) : text
        return .failure(classify(curlCode: result.curl_code, smtpCode: Int(result.smtp_code), detail: detail))
    }

    /// Maps curl's code and the server's last reply to what a caller can do about it.
    static func classify(curlCode: Int32, smtpCode: Int, detail: String) -> MailError {
        let code = smtpCode > 0 ? smtpCode : nil
        switch CURLcode(UInt32(curlCode)) {
        case CURLE_LOGIN_DENIED:
            return MailError(.authenticationFailed, detail, smtpCode: code)
        case CURLE_USE_SSL_FAILED:
            return MailError(.tlsUnavailable, detail, smtpCode: code)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            return MailError(.tls, detail, smtpCode: code)
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return MailError(.connectionFailed, detail)
        case CURLE_OPERATION_TIMEDOUT:
            return MailError(.timeout, detail, smtpCode: code)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return MailError(.invalidSettings, detail)
        default:
            // A reply code decides the rest: RCPT or DATA refused for good (5xx) or for now (4xx).
            if let code, (500..<600).contains(code) { return MailError(.rejected, detail, smtpCode: code) }
            if let code, (400..<500).contains(code) { return MailError(.deferred, detail, smtpCode: code) }
            return MailError(.connectionLost, detail, smtpCode: code)
        }
    }
}
