// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import TandemActors
import TandemTestSupport
import Testing

@Suite("Repeated log lines are folded")
struct LogThrottleTests {
    @Test("A message repeated within the interval is logged once; the next line says how many it stands for")
    func foldsRepeats() async throws {
        let recorder = LogRecorder()
        let logger = Logger(label: "test") { _ in recorder.handler() }
        let quiet = LogThrottle(interval: .milliseconds(300))
        for _ in 0..<500 { quiet.log(.warning, "relay publish failed", to: logger) }
        quiet.log(.warning, "something else", to: logger)
        #expect(
            recorder.all.map { $0.trimmingCharacters(in: .whitespaces) } == [
                "warning relay publish failed", "warning something else",
            ])
        try await Task.sleep(for: .milliseconds(400))
        quiet.log(.warning, "relay publish failed", to: logger)
        #expect(recorder.all.count == 3)
        #expect(recorder.all.last == "warning relay publish failed repeated=499")
    }
}
