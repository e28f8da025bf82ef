// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
import TandemCore

extension AccessPolicy {
    /// Throws unless `identity` may do `action` on `resource`.
    ///
    /// A refused read of one record answers 404 (`concealing` names it), so that
    /// probing ids does not reveal which records exist; other refusals answer 403.
    func authorize(
        _ identity: AuthenticatedIdentity, _ action: Action, _ resource: Resource, concealing: String? = nil
    ) throws {
        guard case .deny(let reason) = decide(identity.principal, action, resource) else { return }
        if let concealing { throw APIError.notFound(concealing) }
        throw APIError.forbidden(reason)
    }
}

/// Reads `after` and `limit` from the query string; a bad limit is a 422 naming it, a cursor
/// that `cursors` did not sign is a 400 `invalid_cursor`. An empty `after=` is the first page.
func pageRequest(from request: Request, cursors: CursorSeal) throws -> PageRequest {
    let query = request.uri.queryParameters
    let after = try query["after"].flatMap { $0.isEmpty ? nil : try cursors.open(String($0)) }
    var page = PageRequest(after: after, limit: 50)
    if let raw = query["limit"] {
        guard let limit = Int(raw), (1...200).contains(limit) else {
            throw APIError(
                .unprocessableContent, code: "invalid", message: "limit must be an integer from 1 to 200.", field: "limit")
        }
        page.limit = limit
    }
    return page
}
