// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore
import TandemTestSupport
import Testing

/// The OT vectors of Tests/Vectors/ot/ (text and tag operations), which the web client's unit tests run too
/// (Web/tests/unit/otVectors.test.ts): both implementations must give these results.
@Suite("OT: shared vectors")
struct OTVectorTests {
    @Test func textOperationVectors() throws {
        let cases = try JSONDecoder().decode(
            OTContractCases.self, from: RepositoryFiles.data("Tests/Vectors/ot/operations.json"))
        for kind in [
            cases.normalize.count, cases.apply.count, cases.transform.count, cases.compose.count,
            cases.transformPosition.count, cases.tagApply.count, cases.tagTransform.count,
        ] {
            #expect(kind > 0, "every kind of case has vectors")
        }
        let failures = cases.failures()
        #expect(failures.isEmpty, "\(failures.count) of \(cases.count) vectors fail:\n\(failures.joined(separator: "\n"))")
    }
}
