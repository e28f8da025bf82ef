// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import CCurl
import CGMime

/// libcurl and GMime, initialized once per process before any thread uses them.
enum MailDriver {
    /// Swift runs a global's initializer once, on first use, thread-safely.
    static let initialized: Bool = {
        tandem_mime_init()
        return tandem_curl_global_init() == 0
    }()

    /// libcurl's version text, for the start-up log.
    static var curlVersion: String { String(cString: tandem_curl_version()) }
}
