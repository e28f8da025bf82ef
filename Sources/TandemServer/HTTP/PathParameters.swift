// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Hummingbird

extension TandemRequestContext {
    /// The path parameter `name`, percent-decoded: `/users/usr%5F…` names the same user as
    /// `/users/usr_…`. One that decodes to invalid UTF-8 names no record (404); malformed
    /// percent-encoding (`%ZZ`) is refused by the framework before routing (400).
    func pathParameter(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        guard let decoded = raw.removingPercentEncoding else { throw APIError.notFound("The resource") }
        return decoded
    }
}
