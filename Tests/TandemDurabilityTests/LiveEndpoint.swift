// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOSSL

/// Where a test connects: one node directly (`ws://`), or nginx in front of a
/// cluster (`wss://`, trusting the cluster's self-signed certificate).
struct LiveEndpoint: Sendable, CustomStringConvertible {
    /// The WebSocket URL, `ws://host:port/ws` or `wss://host:port/ws`.
    var url: String
    var tls: TLSConfiguration?

    /// A node on loopback, without TLS.
    static func node(port: Int) -> LiveEndpoint {
        LiveEndpoint(url: "ws://127.0.0.1:\(port)/ws", tls: nil)
    }

    /// A TLS front (nginx) whose certificate is the PEM file at `caFile`.
    static func tls(host: String, port: Int, caFile: String) throws -> LiveEndpoint {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
        return LiveEndpoint(url: "wss://\(host):\(port)/ws", tls: tls)
    }

    var description: String { url }
}
