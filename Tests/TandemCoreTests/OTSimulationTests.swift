// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemTestSupport
import Testing

/// An operation type as the ShareDB-style protocol sees it.
protocol OTSimulatedModel {
    associatedtype State: Equatable
    associatedtype Operation
    static func apply(_ operation: Operation, to state: inout State) throws
    static func transform(_ a: Operation, _ b: Operation, priority: OTPriority) -> (Operation, Operation)
    /// `nil` when the two cannot be merged into one operation.
    static func compose(_ a: Operation, _ b: Operation) -> Operation?
}

/// A ShareDB-style client: applies its own edits at once, keeps one in-flight
/// operation and a buffer of pending ones (composed when possible).
struct OTSimulatedClient<Model: OTSimulatedModel> {
    var state: Model.State
    /// The number of server operations this client has incorporated.
    var version = 0
    var inFlight: Model.Operation?
    var pending: [Model.Operation] = []

    mutating func edit(_ operation: Model.Operation) throws {
        try Model.apply(operation, to: &state)
        if let last = pending.last, let merged = Model.compose(last, operation) {
            pending[pending.count - 1] = merged
        } else {
            pending.append(operation)
        }
    }

    /// Sends the next pending operation if nothing is in flight.
    mutating func send() -> (Model.Operation, base: Int)? {
        guard inFlight == nil, !pending.isEmpty else { return nil }
        let next = pending.removeFirst()
        inFlight = next
        return (next, version)
    }

    mutating func acknowledge() {
        inFlight = nil
        version += 1
    }

    mutating func receive(_ remote: Model.Operation) throws {
        var remote = remote
        if let mine = inFlight {
            (inFlight, remote) = Model.transform(mine, remote, priority: .right)
        }
        for index in pending.indices {
            (pending[index], remote) = Model.transform(pending[index], remote, priority: .right)
        }
        try Model.apply(remote, to: &state)
        version += 1
    }
}

/// The single ordering point: transforms an incoming operation against the
/// operations committed since its base version, applies and records it.
struct OTSimulatedServer<Model: OTSimulatedModel> {
    var state: Model.State
    var history: [Model.Operation] = []

    mutating func receive(_ operation: Model.Operation, base: Int) throws -> Model.Operation {
        var operation = operation
        for committed in history[base...] {
            operation = Model.transform(operation, committed, priority: .right).0
        }
        try Model.apply(operation, to: &state)
        history.append(operation)
        return operation
    }
}

enum OTServerMessage<Operation> {
    case acknowledge
    case remote(Operation)
}

/// Runs random interleavings of edits and message delivery, then drains every
/// queue, and checks that all replicas converge.
func otSimulate<Model: OTSimulatedModel>(
    _ model: Model.Type, initial: Model.State, clients clientCount: Int, steps: Int,
    using rng: inout SplitMix64,
    edit: (inout SplitMix64, Model.State) -> Model.Operation?
) throws -> Model.State {
    var server = OTSimulatedServer<Model>(state: initial)
    var clients = Array(repeating: OTSimulatedClient<Model>(state: initial), count: clientCount)
    var toServer = Array(repeating: [(Model.Operation, base: Int)](), count: clientCount)
    var toClient = Array(repeating: [OTServerMessage<Model.Operation>](), count: clientCount)

    func serverStep(_ sender: Int) throws {
        let (operation, base) = toServer[sender].removeFirst()
        let committed = try server.receive(operation, base: base)
        for client in 0..<clientCount {
            toClient[client].append(client == sender ? .acknowledge : .remote(committed))
        }
    }
    func clientStep(_ client: Int) throws {
        switch toClient[client].removeFirst() {
        case .acknowledge: clients[client].acknowledge()
        case let .remote(operation): try clients[client].receive(operation)
        }
    }

    for _ in 0..<steps {
        let client = Int.random(in: 0..<clientCount, using: &rng)
        switch Int.random(in: 0..<10, using: &rng) {
        case 0..<4:
            if let operation = edit(&rng, clients[client].state) { try clients[client].edit(operation) }
        case 4..<6:
            if let message = clients[client].send() { toServer[client].append(message) }
        case 6..<8:
            if !toServer[client].isEmpty { try serverStep(client) }
        default:
            if !toClient[client].isEmpty { try clientStep(client) }
        }
    }
    // Drain: keep sending, committing and delivering until everything is quiet.
    var busy = true
    while busy {
        busy = false
        for client in 0..<clientCount {
            if let message = clients[client].send() {
                toServer[client].append(message)
                busy = true
            }
            while !toServer[client].isEmpty {
                try serverStep(client)
                busy = true
            }
        }
        for client in 0..<clientCount {
            while !toClient[client].isEmpty {
                try clientStep(client)
                busy = true
            }
        }
    }
    for client in clients {
        #expect(client.state == server.state)
        #expect(client.version == server.history.count)
        #expect(client.inFlight == nil && client.pending.isEmpty)
    }
    return server.state
}

enum OTTextModel: OTSimulatedModel {
    static func apply(_ operation: TextOperation, to state: inout [Unicode.Scalar]) throws {
        try operation.apply(to: &state)
    }
    static func transform(
        _ a: TextOperation, _ b: TextOperation, priority: OTPriority
    ) -> (TextOperation, TextOperation) {
        TextOperation.transform(a, b, priority: priority)
    }
    static func compose(_ a: TextOperation, _ b: TextOperation) -> TextOperation? { TextOperation.compose(a, b) }
}

enum OTFieldsModel: OTSimulatedModel {
    static func apply(_ operation: FieldOperation<String>, to state: inout [String: String]) throws {
        state[operation.field] = try operation.apply(to: state[operation.field, default: ""])
    }
    static func transform(
        _ a: FieldOperation<String>, _ b: FieldOperation<String>, priority: OTPriority
    ) -> (FieldOperation<String>, FieldOperation<String>) {
        FieldOperation.transform(a, b, priority: priority)
    }
    static func compose(_ a: FieldOperation<String>, _ b: FieldOperation<String>) -> FieldOperation<String>? {
        try? FieldOperation.compose(a, b)
    }
}

enum OTTagsModel: OTSimulatedModel {
    static func apply(_ operation: TagOperation, to state: inout Set<String>) throws {
        state = operation.apply(to: state)
    }
    static func transform(_ a: TagOperation, _ b: TagOperation, priority: OTPriority) -> (TagOperation, TagOperation) {
        TagOperation.transform(a, b, priority: priority)
    }
    static func compose(_ a: TagOperation, _ b: TagOperation) -> TagOperation? { TagOperation.compose(a, b) }
}

@Suite("OT: server and clients simulation")
struct OTSimulationTests {
    /// Markers are unique scalars from Supplementary Private Use Area-A.
    static func isMarker(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 0xF0000 && scalar.value <= 0xFFFFD }

    @Test(arguments: 2...5)
    func textConverges(clients: Int) throws {
        var rng = SplitMix64(seed: UInt64(clients) * 1000)
        for _ in 0..<60 {
            var nextMarker: UInt32 = 0xF0000
            var inserted = Set<Unicode.Scalar>()
            var deletedWhileSeen = Set<Unicode.Scalar>()
            let initial = OTGen.scalarsOf(length: Int.random(in: 0...30, using: &rng), using: &rng)
            let final = try otSimulate(
                OTTextModel.self, initial: initial, clients: clients, steps: 150, using: &rng
            ) { rng, document in
                let operation = OTGen.operation(length: document.count, using: &rng) { rng in
                    // Unique markers, sometimes joined by a combining mark,
                    // a ZWJ or a skin-tone modifier (not tracked).
                    var text = ""
                    for _ in 0..<Int.random(in: 1...3, using: &rng) {
                        let marker = Unicode.Scalar(nextMarker)!
                        nextMarker += 1
                        inserted.insert(marker)
                        text.unicodeScalars.append(marker)
                        if Int.random(in: 0..<4, using: &rng) == 0 {
                            text.unicodeScalars.append(["\u{301}", "\u{200D}", "\u{1F3FD}"].randomElement(using: &rng)!)
                        }
                    }
                    return text
                }
                // Record the markers this edit deletes, as its author sees them.
                var position = 0
                for component in operation.components {
                    switch component {
                    case let .retain(count): position += count
                    case .insert: break
                    case let .delete(count):
                        deletedWhileSeen.formUnion(document[position..<position + count].filter(Self.isMarker))
                        position += count
                    }
                }
                return operation.isIdentity ? nil : operation
            }
            let surviving = final.filter(Self.isMarker)
            #expect(Set(surviving).count == surviving.count, "a marker was duplicated")
            #expect(Set(surviving).isSubset(of: inserted))
            #expect(inserted.subtracting(surviving).isSubset(of: deletedWhileSeen), "a marker vanished unseen")
            #expect(final.filter { !Self.isMarker($0) && !OTGen.alphabet.contains($0) }.isEmpty)
        }
    }

    @Test func fieldsConverge() throws {
        var rng = SplitMix64(seed: 77)
        let fields = ["status", "priority", "assignee"]
        let values = ["", "a", "b", "c", "d"]
        for _ in 0..<100 {
            let clients = Int.random(in: 2...5, using: &rng)
            _ = try otSimulate(OTFieldsModel.self, initial: [:], clients: clients, steps: 120, using: &rng) { rng, state in
                let field = fields.randomElement(using: &rng)!
                let value = values.randomElement(using: &rng)!
                return FieldOperation(field: field, from: state[field, default: ""], to: value)
            }
        }
    }

    @Test func tagsConverge() throws {
        var rng = SplitMix64(seed: 88)
        let pool = ["bug", "vip", "urgent", "billing", "Bug "]
        for _ in 0..<100 {
            let clients = Int.random(in: 2...5, using: &rng)
            _ = try otSimulate(OTTagsModel.self, initial: [], clients: clients, steps: 120, using: &rng) { rng, _ in
                try? TagOperation(
                    adding: pool.filter { _ in Int.random(in: 0..<4, using: &rng) == 0 },
                    removing: pool.filter { _ in Int.random(in: 0..<4, using: &rng) == 0 })
            }
        }
    }
}
