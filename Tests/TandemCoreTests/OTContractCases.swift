// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// The cases of the OT contract (text and tag operations) shared with the web client (Web/tests/unit/otContract.ts):
/// the checked-in vectors of Tests/Vectors/ot/ and the differential corpus have this shape.
/// Expected operations are read as plain component lists (never normalized on reading), and
/// compared scalar by scalar.
struct OTContractCases: Codable {
    var normalize: [NormalizeCase] = []
    var apply: [ApplyCase] = []
    var transform: [TransformCase] = []
    var compose: [ComposeCase] = []
    var transformPosition: [PositionCase] = []
    var tagApply: [TagApplyCase] = []
    var tagTransform: [TagTransformCase] = []

    /// A component list from the wire, and its normal form (`nil`: refused).
    struct NormalizeCase: Codable {
        var name: String?
        /// `nil` when a component itself is refused (a zero count, an empty insert, a boolean, …).
        var op: [TextOperation.Component]?
        var result: [TextOperation.Component]?

        init(name: String? = nil, op: [TextOperation.Component], result: [TextOperation.Component]?) {
            self.name = name
            self.op = op
            self.result = result
        }

        init(from decoder: any Decoder) throws {
            let object = try decoder.container(keyedBy: CodingKeys.self)
            name = try object.decodeIfPresent(String.self, forKey: .name)
            op = try? object.decode([TextOperation.Component].self, forKey: .op)
            result = try object.decodeIfPresent([TextOperation.Component].self, forKey: .result)
        }

        func encode(to encoder: any Encoder) throws {
            var object = encoder.container(keyedBy: CodingKeys.self)
            try object.encodeIfPresent(name, forKey: .name)
            try object.encode(op, forKey: .op)
            try object.encode(result, forKey: .result)
        }

        private enum CodingKeys: String, CodingKey { case name, op, result }
    }

    /// An operation applied to a document (`nil` result: refused).
    struct ApplyCase: Codable {
        var name: String?
        var doc: String
        var op: TextOperation
        var result: String?

        func encode(to encoder: any Encoder) throws {
            var object = encoder.container(keyedBy: CodingKeys.self)
            try object.encodeIfPresent(name, forKey: .name)
            try object.encode(doc, forKey: .doc)
            try object.encode(op, forKey: .op)
            try object.encode(result, forKey: .result)
        }

        private enum CodingKeys: String, CodingKey { case name, doc, op, result }
    }

    /// Two concurrent operations on `doc`, transformed with `priority` ("left": `a` was ordered first).
    struct TransformCase: Codable {
        var name: String?
        var doc: String
        var a: TextOperation
        var b: TextOperation
        var priority: String
        var aPrime: [TextOperation.Component]
        var bPrime: [TextOperation.Component]
        /// `doc` after `a` then `b′` (equal to after `b` then `a′`).
        var result: String
    }

    /// `a` then `b` as one operation, and what it makes of `doc`.
    struct ComposeCase: Codable {
        var name: String?
        var doc: String
        var a: TextOperation
        var b: TextOperation
        var result: [TextOperation.Component]
        var text: String
    }

    /// A tag operation in its wire form, each list sorted.
    struct TagSets: Codable, Equatable {
        var add: [String]
        var remove: [String]

        init(_ operation: TagOperation) {
            add = operation.added.sorted()
            remove = operation.removed.sorted()
        }

        var operation: TagOperation? { try? TagOperation(adding: add, removing: remove) }
    }

    /// A tag operation applied to a ticket's tags (the result sorted).
    struct TagApplyCase: Codable {
        var name: String?
        var tags: [String]
        var op: TagSets
        var result: [String]
    }

    /// Two concurrent tag operations, transformed with `priority` ("left": `a` was ordered first).
    struct TagTransformCase: Codable {
        var name: String?
        var tags: [String]
        var a: TagSets
        var b: TagSets
        var priority: String
        var aPrime: TagSets
        var bPrime: TagSets
        var result: [String]
    }

    /// A caret moved through an operation.
    struct PositionCase: Codable {
        var name: String?
        var op: TextOperation
        var position: Int
        var isOwn: Bool
        var result: Int
    }
}

extension OTContractCases {
    /// Every way this (Swift) implementation disagrees with the cases.
    func failures() -> [String] {
        var failures: [String] = []
        func check(_ kind: String, _ name: String?, _ what: String, _ agrees: Bool, _ got: Any, _ want: Any) {
            if !agrees { failures.append("\(kind) \"\(name ?? "?")\": \(what) is \(got), the contract says \(want)") }
        }
        /// Scalar by scalar (`String ==` is canonical equivalence); `nil` is a refusal.
        func same(_ a: String?, _ b: String?) -> Bool {
            switch (a, b) {
            case let (a?, b?): a.unicodeScalars.elementsEqual(b.unicodeScalars)
            case (nil, nil): true
            default: false
            }
        }

        for c in normalize {
            let got = c.op.flatMap { try? TextOperation(validating: $0) }?.components
            check(
                "normalize", c.name, "normal form", got == c.result, got.map(String.init(describing:)) ?? "refused",
                c.result.map(String.init(describing:)) ?? "refused")
        }
        for c in apply {
            let got = try? c.op.apply(to: c.doc)
            check("apply", c.name, "result", same(got, c.result), got ?? "refused", c.result ?? "refused")
        }
        for c in transform {
            let priority: OTPriority = c.priority == "left" ? .left : .right
            let (aPrime, bPrime) = TextOperation.transform(c.a, c.b, priority: priority)
            check("transform", c.name, "a′", aPrime.components == c.aPrime, aPrime, c.aPrime)
            check("transform", c.name, "b′", bPrime.components == c.bPrime, bPrime, c.bPrime)
            let viaA = (try? c.a.apply(to: c.doc)).flatMap { try? bPrime.apply(to: $0) }
            let viaB = (try? c.b.apply(to: c.doc)).flatMap { try? aPrime.apply(to: $0) }
            check("transform", c.name, "a then b′", same(viaA, c.result), viaA ?? "refused", c.result)
            check("transform", c.name, "b then a′", same(viaB, c.result), viaB ?? "refused", c.result)
        }
        for c in compose {
            let composed = TextOperation.compose(c.a, c.b)
            check("compose", c.name, "compose(a, b)", composed.components == c.result, composed, c.result)
            let text = try? composed.apply(to: c.doc)
            check("compose", c.name, "its result", same(text, c.text), text ?? "refused", c.text)
        }
        for c in transformPosition {
            let got = c.op.transformPosition(c.position, isOwn: c.isOwn)
            check("transformPosition", c.name, "position", got == c.result, got, c.result)
        }
        for c in tagApply {
            let got = c.op.operation.map { $0.apply(to: Set(c.tags)).sorted() }
            check("tagApply", c.name, "tags", got == c.result, got ?? ["refused"], c.result)
        }
        for c in tagTransform {
            guard let a = c.a.operation, let b = c.b.operation else {
                check("tagTransform", c.name, "operands", false, "refused", "valid tag operations")
                continue
            }
            let (aPrime, bPrime) = TagOperation.transform(a, b, priority: c.priority == "left" ? .left : .right)
            check("tagTransform", c.name, "a′", TagSets(aPrime) == c.aPrime, TagSets(aPrime), c.aPrime)
            check("tagTransform", c.name, "b′", TagSets(bPrime) == c.bPrime, TagSets(bPrime), c.bPrime)
            let viaA = bPrime.apply(to: a.apply(to: Set(c.tags))).sorted()
            let viaB = aPrime.apply(to: b.apply(to: Set(c.tags))).sorted()
            check("tagTransform", c.name, "a then b′", viaA == c.result, viaA, c.result)
            check("tagTransform", c.name, "b then a′", viaB == c.result, viaB, c.result)
        }
        return failures
    }

    var count: Int {
        normalize.count + apply.count + transform.count + compose.count + transformPosition.count + tagApply.count
            + tagTransform.count
    }
}
