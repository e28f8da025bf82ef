// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import Testing

@Suite("OT: large texts")
struct OTPerformanceTests {
    /// About 1 MB: 2^20 scalars, a few of them multi-byte.
    static let length = 1 << 20

    static func largeText() -> String {
        String(repeating: "abcdefghijklmno\u{E9}", count: length / 16)  // 16 scalars, 17 UTF-8 bytes
    }

    @Test func editsNearTheEndOfAMegabyteAreFast() throws {
        let clock = ContinuousClock()
        let text = Self.largeText()
        var buffer = otScalars(text)
        #expect(buffer.count == Self.length)

        let a = textOp(.retain(Self.length - 10), .insert("👍🏽"), .delete(3))
        let b = textOp(.retain(Self.length - 12), .delete(4), .insert("🇫🇷"))
        var (aPrime, bPrime) = (TextOperation(), TextOperation())
        var viaA = ""
        var composed = TextOperation()

        let transformTime = clock.measure {
            (aPrime, bPrime) = TextOperation.transform(a, b, priority: .left)
            composed = TextOperation.compose(a, bPrime)
        }
        let stringApply = try clock.measure {
            viaA = try bPrime.apply(to: a.apply(to: text))
        }
        let viaB = try aPrime.apply(to: b.apply(to: text))
        let bufferApply = try clock.measure {
            try a.apply(to: &buffer)
            try bPrime.apply(to: &buffer)
        }
        #expect(otScalars(viaA) == otScalars(viaB))
        #expect(buffer == otScalars(viaA))
        #expect(otScalars(try composed.apply(to: text)) == buffer)
        #expect(buffer.count == Self.length - 5 + 2 + 2)  // The deletes overlap by 2.
        print(
            "1 MB text: string apply ×2 \(stringApply), transform+compose \(transformTime),",
            "buffer apply ×2 \(bufferApply)")
        #expect(stringApply < .seconds(1))
        #expect(transformTime < .milliseconds(50))
        #expect(bufferApply < .seconds(1))
    }

    @Test func manySmallEditsOnABufferStayLinearInTheTail() throws {
        var buffer = otScalars(Self.largeText())
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for index in 0..<200 {
                try textOp(.retain(Self.length - 100 + index % 90), .insert("x"), .delete(1)).apply(to: &buffer)
            }
        }
        #expect(buffer.count == Self.length)
        print("1 MB text: 200 buffer edits near the end \(elapsed)")
        #expect(elapsed < .seconds(1))
    }
}
