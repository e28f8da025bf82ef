// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOCore
import NIOHTTP1

/// HTTP/1 that a hostile client cannot hold: a deadline for the idle connection, for the
/// request head and for the body; a head size limit; the request cap of a keep-alive
/// connection; and an answer with the API's JSON error body and a close for what cannot be
/// read (`400`, `408`, `431`, `501`). ``HTTPGuardSettings`` holds the limits; docs/API.md
/// ("Connection limits") says what a client gets.
///
/// Two handlers do it, around the HTTP/1 request decoder of any server pipeline (one built by
/// `configureHTTPServerPipeline` or `configureUpgradableHTTPServerPipeline`, or by hand):
///
/// ```
/// socket … ─ HTTPHeadMeter ─ decoder ─ HTTPConnectionGuard ─ … ─ application
///                  (bytes)        (HTTP/1 parts)
/// ```
///
/// The encoder must sit on the socket side of ``HTTPConnectionGuard`` (it writes HTTP/1
/// response parts); Hummingbird's HTTPTypes conversion and everything else, on the
/// application side.
///
/// An upgrade turns the guards off by itself: when a `101 Switching Protocols` passes the
/// guard, both handlers leave the pipeline before the first upgraded byte is read. A pipeline
/// that upgrades without writing that head through the guard calls ``disarm(in:)``.
public enum HTTPGuard {
    /// Installs the guard's two handlers around the pipeline's HTTP/1 request decoder.
    /// Call on the channel's event loop, after the decoder was added (in a child channel
    /// initializer: before the channel reads).
    public static func install(in pipeline: ChannelPipeline.SynchronousOperations, settings: HTTPGuardSettings) throws {
        let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
        let (meter, connectionGuard) = handlers(settings: settings)
        try pipeline.addHandler(meter, position: .before(decoder))
        try pipeline.addHandler(connectionGuard, position: .after(decoder))
    }

    /// The two handlers, for a pipeline that places them itself: `meter` directly before the
    /// HTTP/1 request decoder, `connectionGuard` directly after it.
    public static func handlers(
        settings: HTTPGuardSettings
    ) -> (meter: any RemovableChannelHandler, connectionGuard: any RemovableChannelHandler) {
        let connectionGuard = HTTPConnectionGuard(settings: settings)
        let meter = HTTPHeadMeter(connectionGuard)
        connectionGuard.meter = meter
        return (meter, connectionGuard)
    }

    /// Removes the guard's handlers, if present: the connection stops being HTTP.
    public static func disarm(in pipeline: ChannelPipeline.SynchronousOperations) {
        if let meter = try? pipeline.handler(type: HTTPHeadMeter.self) { pipeline.removeHandler(meter, promise: nil) }
        if let connectionGuard = try? pipeline.handler(type: HTTPConnectionGuard.self) {
            pipeline.removeHandler(connectionGuard, promise: nil)
        }
    }
}
