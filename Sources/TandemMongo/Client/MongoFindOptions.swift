// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Options of a `find`.
public struct MongoFindOptions: Sendable, Hashable {
    /// For example `["id": 1]`.
    public var sort: BSONDocument?
    /// Fields to return (`["snapshot": 0]` leaves one out).
    public var projection: BSONDocument?
    /// At most this many documents; `nil` for all.
    public var limit: Int?
    /// Documents per round trip.
    public var batchSize: Int?

    public init(sort: BSONDocument? = nil, projection: BSONDocument? = nil, limit: Int? = nil, batchSize: Int? = nil) {
        self.sort = sort
        self.projection = projection
        self.limit = limit
        self.batchSize = batchSize
    }

    /// The `opts` document of `mongoc_collection_find_with_opts`.
    var document: BSONDocument {
        var options: BSONDocument = [:]
        if let sort { options["sort"] = .document(sort) }
        if let projection { options["projection"] = .document(projection) }
        if let limit { options["limit"] = .int64(Int64(limit)) }
        if let batchSize { options["batchSize"] = .int64(Int64(batchSize)) }
        return options
    }
}

/// An index to create: its name, keys and options.
public struct MongoIndex: Sendable, Hashable {
    public var name: String
    /// Ordered keys: `[("team", 1), ("id", 1)]`.
    public var keys: BSONDocument
    public var unique: Bool

    public init(_ name: String, keys: BSONDocument, unique: Bool = false) {
        self.name = name
        self.keys = keys
        self.unique = unique
    }

    /// The entry of a `createIndexes` command.
    var specification: BSONDocument {
        // Directions as int32, the type the shell writes.
        let keys = BSONDocument(
            self.keys.map { field in
                (field.key, field.value.int64Value.map { .int32(Int32(clamping: $0)) } ?? field.value)
            })
        var specification: BSONDocument = ["key": .document(keys), "name": .string(name)]
        if unique { specification["unique"] = true }
        return specification
    }
}
