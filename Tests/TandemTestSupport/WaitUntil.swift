// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Polls `condition` every 5 ms until it holds or `timeout` passes; returns whether it held.
/// The default timeout is generous: the machine running the tests may be loaded.
package func waitUntil(_ timeout: Duration = .seconds(20), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return await condition()
}
