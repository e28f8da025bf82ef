// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HummingbirdCore
import Testing

@testable import TandemServer

/// `q` is read as forms and `URLSearchParams` write it.
@Suite struct SearchTextTests {
    @Test("'+' is a space, %2B a plus, %XX decoded, limited to 200 characters; no q is nil")
    func formEncoding() {
        #expect(SearchText.query(URI("/api/v1/users?role=customer&q=Ada+Lovelace")) == "Ada Lovelace")
        #expect(SearchText.query(URI("/api/v1/tickets?q=C%2B%2B+build")) == "C++ build")
        #expect(SearchText.query(URI("/api/v1/tickets?q=%C3%A9t%C3%A9%20x")) == "été x")
        #expect(SearchText.query(URI("/api/v1/tickets?status=open")) == nil)
        #expect(SearchText.query(URI("/api/v1/tickets?q=")) == "")
        #expect(SearchText.query(URI("/api/v1/tickets?q=" + String(repeating: "a", count: 300)))?.count == 200)
    }
}
