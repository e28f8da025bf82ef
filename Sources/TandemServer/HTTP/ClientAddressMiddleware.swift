// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Behind a reverse proxy every TCP peer is the proxy: without this, login
/// throttling would count every client as one. When the peer is a trusted proxy
/// (`http.trustedProxies`), the client is the rightmost `X-Forwarded-For` entry
/// that is not itself a trusted proxy. From any other peer the header is ignored,
/// so a client cannot choose its own address.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = TandemRequestContext
    let trustedProxies: Set<String>

    init(trustedProxies: [String]) {
        self.trustedProxies = Set(trustedProxies.compactMap(ClientAddress.normalized))
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        guard !trustedProxies.isEmpty,
            let peer = context.remoteAddress.flatMap(ClientAddress.normalized), trustedProxies.contains(peer)
        else {
            return try await next(request, context)
        }
        var context = context
        context.remoteAddress =
            ClientAddress.client(forwardedFor: request.headers[values: .xForwardedFor], trusted: trustedProxies) ?? peer
        return try await next(request, context)
    }
}

/// Parsing of client addresses.
enum ClientAddress {
    /// The canonical text of an IPv4 or IPv6 address, or `nil` if `text` is not one.
    static func normalized(_ text: some StringProtocol) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, let address = try? SocketAddress(ipAddress: trimmed, port: 0) else { return nil }
        return address.ipAddress
    }

    /// The rightmost address in the `X-Forwarded-For` values that is not a trusted proxy;
    /// `nil` if there is none or an entry is not an address (then the peer is used).
    static func client(forwardedFor values: [String], trusted: Set<String>) -> String? {
        let entries = values.flatMap { $0.split(separator: ",") }
        for entry in entries.reversed() {
            guard let address = normalized(entry) else { return nil }
            if !trusted.contains(address) { return address }
        }
        return nil
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
