// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Hummingbird

/// The OpenAPI 3.1 description of `/api/v1`, shipped as a resource of this module.
enum OpenAPIDocument {
    static let bytes: [UInt8]? = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else { return nil }
        return [UInt8](data)
    }()

    static func response() throws -> Response {
        guard let bytes else { throw APIError.notFound("The OpenAPI document") }
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
