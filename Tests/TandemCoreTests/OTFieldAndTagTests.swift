// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemTestSupport
import Testing

@Suite("OT: fields and tags")
struct OTFieldAndTagTests {
    @Test func fieldApplyChecksOldValue() throws {
        let set = FieldOperation(field: "status", from: "open", to: "pending")
        #expect(try set.apply(to: "open") == "pending")
        #expect(throws: OTError.fieldMismatch(field: "status")) { try set.apply(to: "closed") }
        #expect(!set.isNoop)
    }

    @Test func laterOrderedSetWins() throws {
        let committed = FieldOperation(field: "status", from: "open", to: "pending")
        let incoming = FieldOperation(field: "status", from: "open", to: "closed")
        let (incomingPrime, committedPrime) = FieldOperation.transform(incoming, committed, priority: .right)
        #expect(incomingPrime == FieldOperation(field: "status", from: "pending", to: "closed"))
        #expect(committedPrime.isNoop)
        // Server: committed, then incoming′. Sender: incoming, then committed′.
        #expect(try incomingPrime.apply(to: committed.apply(to: "open")) == "closed")
        #expect(try committedPrime.apply(to: incoming.apply(to: "open")) == "closed")
        // Mirror image.
        let (left, right) = FieldOperation.transform(committed, incoming, priority: .left)
        #expect(left == committedPrime && right == incomingPrime)
    }

    @Test func setsOfOtherFieldsDoNotInteract() {
        let a = FieldOperation(field: "status", from: "open", to: "closed")
        let b = FieldOperation(field: "priority", from: "open", to: "high")
        let (aPrime, bPrime) = FieldOperation.transform(a, b, priority: .left)
        #expect(aPrime == a && bPrime == b)
    }

    @Test func tagNormalization() {
        #expect(TagOperation.normalize("  Billing\n") == "billing")
        #expect(TagOperation.normalize("VIP Customer") == "vip customer")
        #expect(TagOperation.normalize("ÉTÉ") == "été")
        #expect(TagOperation.normalize(" \t ") == nil)
        #expect(TagOperation.normalize("") == nil)
        #expect(throws: OTError.invalidTag(" ")) { try TagOperation(adding: [" "]) }
    }

    @Test func tagApplyAndAddWinsWithinOneOperation() throws {
        let operation = try TagOperation(adding: ["Bug", "vip"], removing: ["urgent", "BUG"])
        #expect(operation.added == ["bug", "vip"])
        #expect(operation.removed == ["urgent"])
        #expect(operation.apply(to: ["urgent", "billing"]) == ["bug", "vip", "billing"])
        #expect(try TagOperation().isNoop)
    }

    @Test func concurrentAddAndRemoveFollowServerOrder() throws {
        let add = try TagOperation(adding: ["bug"])
        let remove = try TagOperation(removing: ["bug"])
        // The server ordered `add` first, so `remove` wins.
        let (removePrime, addPrime) = TagOperation.transform(remove, add, priority: .right)
        #expect(removePrime == remove)
        #expect(addPrime.isNoop)
        let start: Set<String> = []
        #expect(removePrime.apply(to: add.apply(to: start)) == addPrime.apply(to: remove.apply(to: start)))
        #expect(removePrime.apply(to: add.apply(to: start)).isEmpty)
    }

    @Test func randomFieldAndTagPairsConverge() throws {
        var rng = SplitMix64(seed: 5)
        let values = ["a", "b", "c"]
        let pool = ["bug", "vip", "urgent", "billing"]
        for _ in 0..<2000 {
            let start = values.randomElement(using: &rng)!
            let a = FieldOperation(field: "f", from: start, to: values.randomElement(using: &rng)!)
            let b = FieldOperation(field: "f", from: start, to: values.randomElement(using: &rng)!)
            let priority: OTPriority = Bool.random(using: &rng) ? .left : .right
            let (aPrime, bPrime) = FieldOperation.transform(a, b, priority: priority)
            let viaA = try bPrime.apply(to: a.apply(to: start))
            #expect(viaA == (try aPrime.apply(to: b.apply(to: start))))
            #expect(viaA == (priority == .left ? b.newValue : a.newValue))

            let tags = Set(pool.filter { _ in Bool.random(using: &rng) })
            let x = try TagOperation(
                adding: pool.filter { _ in Bool.random(using: &rng) },
                removing: pool.filter { _ in Bool.random(using: &rng) })
            let y = try TagOperation(
                adding: pool.filter { _ in Bool.random(using: &rng) },
                removing: pool.filter { _ in Bool.random(using: &rng) })
            let (xPrime, yPrime) = TagOperation.transform(x, y, priority: priority)
            let result = yPrime.apply(to: x.apply(to: tags))
            #expect(result == xPrime.apply(to: y.apply(to: tags)))
            // Same as applying both in server order.
            let serverOrder = priority == .left ? y.apply(to: x.apply(to: tags)) : x.apply(to: y.apply(to: tags))
            #expect(result == serverOrder)
        }
    }
}
