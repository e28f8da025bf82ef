// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HummingbirdCore
import Logging
import NIOCore

/// A Hummingbird child channel with ``HTTPGuard`` installed around its HTTP/1 decoder: for
/// the channels that build their pipeline themselves and take no handler before the decoder
/// (Hummingbird's HTTP/1 channel with the WebSocket upgrade adds its `additionalChannelHandlers`
/// only once the first request was read).
struct HTTPGuardedChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    let base: Base
    let settings: HTTPGuardSettings

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Base.Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            try HTTPGuard.install(in: channel.pipeline.syncOperations, settings: settings)
            return value
        }
    }

    func handle(value: Base.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
