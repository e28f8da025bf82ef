// swift-tools-version: 6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "Tandem",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tandem", targets: ["tandem"]),
        .library(name: "TandemCore", targets: ["TandemCore"]),
        .library(name: "TandemStore", targets: ["TandemStore"]),
        .library(name: "TandemServer", targets: ["TandemServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.36.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        // Domain, OT, validation and policy. Pure Swift, no I/O.
        .target(name: "TandemCore", swiftSettings: swiftSettings),
        // Business-hours calendars, SLA clocks and policies, cron expressions in a time zone.
        // Pure computation over Foundation's time zones, no I/O.
        .target(name: "TandemSchedule", dependencies: ["TandemCore"], swiftSettings: swiftSettings),
        // The job engine's core: jobs, leases, backoff, repeatable schedules, effects. No I/O.
        .target(name: "TandemJobs", dependencies: ["TandemCore", "TandemSchedule"], swiftSettings: swiftSettings),
        // The storage seam: the store protocols, what every store shares (the commit
        // contract, error translation, cursors), backups and retention. No C dependency.
        .target(
            name: "TandemStore",
            dependencies: [
                "TandemCore",
                "TandemJobs",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The embedded SQLite implementation of the store seam (GRDB).
        .target(
            name: "TandemStoreSQLite",
            dependencies: [
                "TandemCore",
                "TandemStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // libmongoc and libbson (apt: libmongoc-dev).
        .systemLibrary(name: "CMongoc", pkgConfig: "libmongoc-1.0", providers: [.apt(["libmongoc-dev"])]),
        // A Swift wrapper over libmongoc: BSON values and Codable, a client pool, an async API.
        .target(
            name: "TandemMongo",
            dependencies: [
                "CMongoc",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The MongoDB implementation of the store seam.
        .target(
            name: "TandemStoreMongo",
            dependencies: ["TandemCore", "TandemStore", "TandemMongo", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // libmagic (apt: libmagic-dev): a file's type from its bytes.
        .systemLibrary(name: "CMagic", pkgConfig: "libmagic", providers: [.apt(["libmagic-dev"])]),
        // libvips (apt: libvips-dev): image headers and thumbnails.
        .systemLibrary(name: "CVips", pkgConfig: "vips", providers: [.apt(["libvips-dev"])]),
        // Type sniffing (libmagic) and thumbnails with a pixel bound (libvips), off the event loops.
        .target(
            name: "TandemMedia",
            dependencies: ["CMagic", "CVips", .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        // hiredis 0.14 (apt: libhiredis-dev).
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        // glibc's mallinfo2() and malloc_trim(), which the Glibc module does not import (TandemApp's MemoryTrimService).
        .systemLibrary(name: "CMalloc"),
        // A Swift wrapper over hiredis: binary-safe commands, pipelining, pub/sub with
        // reconnect and resubscribe, leases, an async API off the event loops.
        .target(
            name: "TandemRedis",
            dependencies: [
                "CHiredis",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // libcurl (apt: libcurl4-openssl-dev) and GMime 3 (apt: libgmime-3.0-dev).
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CGMime", pkgConfig: "gmime-3.0", providers: [.apt(["libgmime-3.0-dev"])]),
        // Outgoing mail: MIME composition with GMime, SMTP (STARTTLS, AUTH) with libcurl, an async
        // API with the blocking calls on a thread pool of its own.
        .target(
            name: "TandemMail",
            dependencies: [
                "TandemCore", "CCurl", "CGMime",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Ticket, team and session actors and the registry that activates them.
        .target(
            name: "TandemActors",
            dependencies: [
                "TandemCore",
                "TandemStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The cluster runtime: placement by Redis leases, the node-to-node relay, shared state.
        .target(
            name: "TandemCluster",
            dependencies: [
                "TandemCore",
                "TandemStore",
                "TandemActors",
                "TandemRedis",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTTP, WebSocket, auth, RBAC and configuration, over the store and actor seams only.
        .target(
            name: "TandemServer",
            dependencies: [
                "TandemCore",
                "TandemStore",
                "TandemActors",
                "TandemJobs",
                "TandemSchedule",
                "TandemMedia",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            resources: [.copy("Resources/openapi.json")],
            swiftSettings: swiftSettings
        ),
        // The one place that wires a node: store selection, the cluster runtime, the
        // application and its shutdown order.
        .target(
            name: "TandemApp",
            dependencies: [
                "TandemCore",
                "TandemStore",
                "TandemJobs",
                "TandemStoreSQLite",
                "TandemStoreMongo",
                "TandemActors",
                "TandemCluster",
                "TandemRedis",
                "TandemServer",
                "TandemMail",
                "CMalloc",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tandem",
            dependencies: [
                "TandemApp",
                "TandemServer",
                "TandemStore",
                "TandemCore",
                "TandemJobs",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // What several test targets share: the servers scripts/test.sh starts, launchers for tandem and for servers
        // of a test's own, a seeded generator, the repository's files (vectors, docs, web sources), and in-process
        // fakes of the actors' seams.
        .target(
            name: "TandemTestSupport",
            dependencies: [
                "TandemCore", "TandemStore", "TandemActors", "TandemJobs", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TandemTestSupport",
            swiftSettings: swiftSettings),
        // libmagic and libvips through TandemMedia, on the shared fixtures in Tests/Vectors/attachments.
        .testTarget(
            name: "TandemMediaTests", dependencies: ["TandemMedia", "TandemTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "TandemCoreTests", dependencies: ["TandemCore", "TandemTestSupport"], swiftSettings: swiftSettings),
        // The job engine's core on its own.
        .testTarget(
            name: "TandemJobsTests", dependencies: ["TandemJobs", "TandemSchedule", "TandemCore", "TandemTestSupport"],
            swiftSettings: swiftSettings),
        // Calendars, SLA clocks and cron, checked against Python oracles (Tests/Oracles, python3 only).
        .testTarget(
            name: "TandemScheduleTests", dependencies: ["TandemSchedule", "TandemCore", "TandemTestSupport"],
            swiftSettings: swiftSettings),
        // docs/ARCHITECTURE.md's module diagram checked against this file (no services needed).
        .testTarget(name: "TandemArchitectureTests", swiftSettings: swiftSettings),
        // Ticket actors on their own: the real SQLite store behind a controllable wrapper, no sockets, no server.
        .testTarget(
            name: "TandemActorsTests",
            dependencies: [
                "TandemTestSupport",
                "TandemActors", "TandemCore", "TandemStore", "TandemStoreSQLite",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TandemStoreTests",
            dependencies: [
                "TandemTestSupport",
                "TandemCore", "TandemStore", "TandemStoreSQLite", "TandemMongo", "TandemStoreMongo", "TandemJobs",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TandemClusterTests",
            dependencies: [
                "TandemTestSupport",
                "TandemCluster", "TandemActors", "TandemCore", "TandemStore", "TandemStoreSQLite", "TandemRedis",
                "TandemStoreMongo",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TandemRedisTests",
            dependencies: [
                "TandemTestSupport",
                "TandemRedis",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The mail client against a real SMTP server (scripts/smtp-sink.py, started by scripts/test.sh).
        .testTarget(
            name: "TandemMailTests",
            dependencies: ["TandemTestSupport", "TandemMail", "TandemCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TandemServerTests",
            dependencies: [
                "TandemTestSupport",
                "TandemApp", "TandemServer", "TandemCore", "TandemStore", "TandemStoreSQLite", "TandemJobs",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TandemLiveTests",
            dependencies: [
                "TandemTestSupport",
                "TandemApp", "TandemServer", "TandemActors", "TandemCore", "TandemStore", "TandemStoreSQLite",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TandemDurabilityTests",
            dependencies: [
                "TandemTestSupport",
                "TandemCore",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
