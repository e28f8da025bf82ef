// swift-tools-version: 6.2
// The Tandem benchmark harness: its own package, so the server's build and tests are untouched.
// `swift build -c release --product tandem-load` (Benchmarks/run does it).
import PackageDescription

let package = Package(
    name: "TandemBenchmarks",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tandem-load", targets: ["TandemLoad"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        .executableTarget(
            name: "TandemLoad",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        )
    ],
    // Everything runs on one event loop; the Swift 5 mode keeps the handler code free of
    // isolation annotations that buy nothing here.
    swiftLanguageModes: [.v5]
)
