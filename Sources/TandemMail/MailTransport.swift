// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// Something that sends one message: ``SMTPClient``, or a stand-in where no server is wanted.
public protocol MailTransport: Sendable {
    /// Sends `message`, dated `date`; returns when the server took it.
    func send(_ message: MailMessage, at date: Timestamp) async throws(MailError)
}

extension SMTPClient: MailTransport {}
