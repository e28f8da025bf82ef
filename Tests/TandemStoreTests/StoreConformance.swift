// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import Testing
import TandemStore

/// Makes a fresh, empty, not yet migrated store on every call.
///
/// Every ``TandemStore`` implementation runs the same conformance suite:
///
/// ```swift
/// @Test(arguments: StoreConformanceCheck.allCases)
/// func conformance(_ check: StoreConformanceCheck) async throws {
///     try await check.run(ConformanceStoreFactory(name: "mongo") { try await MongoStore.makeForTests() })
/// }
/// ```
struct ConformanceStoreFactory: Sendable {
    var name: String
    var make: @Sendable () async throws -> any TandemStore
}

/// One behaviour every store must have. Run with ``run(_:)``.
enum StoreConformanceCheck: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case userRoundTrip
    case duplicateEmail
    case updateMissing
    case fencedUserUpdate
    case userPagination
    case paginationEdges
    case userFilters
    case invalidCursor
    case unicodeRoundTrip
    case teamRoundTrip
    case duplicateTeamName
    case teamMembersMustBeUsers
    case teamPagination
    case memberships
    case sessionLifecycle
    case revokeAllExcept
    case ticketRoundTrip
    case ticketCommits
    case versionConflicts
    case concurrentCommits
    case nonContiguousOps
    case opsRange
    case ticketFilters
    case ticketPagination
    case openTickets
    case ticketSearch
    case searchInputIsLiteral
    case searchFoldsCaseAndDiacritics
    case notificationRoundTrip
    case notificationPagination
    case markRead
    case notificationRecipients
    case pendingReplies
    case ticketNumbers
    case concurrentTicketNumbers

    var testDescription: String { rawValue }

    /// Runs this check against a fresh store from `factory`.
    func run(_ factory: ConformanceStoreFactory) async throws {
        try await StoreConformance.withStore(factory) { store in
            switch self {
            case .userRoundTrip: try await StoreConformance.userRoundTrip(store)
            case .duplicateEmail: try await StoreConformance.duplicateEmail(store)
            case .updateMissing: try await StoreConformance.updateMissing(store)
            case .fencedUserUpdate: try await StoreConformance.fencedUserUpdate(store)
            case .userPagination: try await StoreConformance.userPagination(store)
            case .paginationEdges: try await StoreConformance.paginationEdges(store)
            case .userFilters: try await StoreConformance.userFilters(store)
            case .invalidCursor: try await StoreConformance.invalidCursor(store)
            case .unicodeRoundTrip: try await StoreConformance.unicodeRoundTrip(store)
            case .teamRoundTrip: try await StoreConformance.teamRoundTrip(store)
            case .duplicateTeamName: try await StoreConformance.duplicateTeamName(store)
            case .teamMembersMustBeUsers: try await StoreConformance.teamMembersMustBeUsers(store)
            case .teamPagination: try await StoreConformance.teamPagination(store)
            case .memberships: try await StoreConformance.memberships(store)
            case .sessionLifecycle: try await StoreConformance.sessionLifecycle(store)
            case .revokeAllExcept: try await StoreConformance.revokeAllExcept(store)
            case .ticketRoundTrip: try await StoreConformance.ticketRoundTrip(store)
            case .ticketCommits: try await StoreConformance.ticketCommits(store)
            case .versionConflicts: try await StoreConformance.versionConflicts(store)
            case .concurrentCommits: try await StoreConformance.concurrentCommits(store)
            case .nonContiguousOps: try await StoreConformance.nonContiguousOps(store)
            case .opsRange: try await StoreConformance.opsRange(store)
            case .ticketFilters: try await StoreConformance.ticketFilters(store)
            case .ticketPagination: try await StoreConformance.ticketPagination(store)
            case .openTickets: try await StoreConformance.openTickets(store)
            case .ticketSearch: try await StoreConformance.ticketSearch(store)
            case .searchInputIsLiteral: try await StoreConformance.searchInputIsLiteral(store)
            case .searchFoldsCaseAndDiacritics: try await StoreConformance.searchFoldsCaseAndDiacritics(store)
            case .notificationRoundTrip: try await StoreConformance.notificationRoundTrip(store)
            case .notificationPagination: try await StoreConformance.notificationPagination(store)
            case .markRead: try await StoreConformance.markRead(store)
            case .notificationRecipients: try await StoreConformance.notificationRecipients(store)
            case .pendingReplies: try await StoreConformance.pendingReplies(store)
            case .ticketNumbers: try await StoreConformance.ticketNumbers(store)
            case .concurrentTicketNumbers: try await StoreConformance.concurrentTicketNumbers(store)
            }
        }
    }
}

/// The conformance checks, each a function of a migrated, empty store.
enum StoreConformance {
    /// Makes a store, migrates it, runs `body` and closes the store, even when `body` throws.
    static func withStore(
        _ factory: ConformanceStoreFactory, _ body: (any TandemStore) async throws -> Void
    ) async throws {
        let store = try await factory.make()
        do {
            try await store.migrate()
            try await body(store)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    /// Every item of a listing, following cursors; fails if a page is empty
    /// but for the first, or if a page exceeds `limit`.
    static func collect<Item: Sendable>(
        limit: Int, _ fetch: (PageRequest) async throws -> Page<Item>
    ) async throws -> (items: [Item], pages: Int) {
        var items: [Item] = []
        var pages = 0
        var cursor: String?
        repeat {
            let page = try await fetch(PageRequest(after: cursor, limit: limit))
            pages += 1
            #expect(page.items.count <= limit)
            if pages > 1 { #expect(!page.items.isEmpty, "a cursor led to an empty page") }
            items += page.items
            cursor = page.nextCursor
            try #require(pages < 10_000)
        } while cursor != nil
        return (items, pages)
    }
}
