// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "BuyerProtection",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "bp", targets: ["bp"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit", exact: "4.7.1"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    ],
    targets: [
        .systemLibrary(name: "CFastCGI", providers: [.apt(["libfcgi-dev"])]),
        .target(name: "FastCGI", dependencies: [
            "CFastCGI",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Protection"),
        .target(name: "Store", dependencies: [
            "Protection",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Rendering", dependencies: [
            "Protection",
            .product(name: "Mustache", package: "swift-mustache"),
        ]),
        .target(name: "Mail", dependencies: [
            "Protection", "Store", "Rendering",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Operations", dependencies: [
            "Protection", "Store", "Mail", "Rendering",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "CryptoExtras", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Web", dependencies: [
            "FastCGI", "Protection", "Store", "Mail", "Rendering", "Operations",
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "MultipartKit", package: "multipart-kit"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "FuzzHarnesses", dependencies: ["FastCGI", "Protection", "Rendering", "Operations", "Web"]),
        .executableTarget(name: "BPFuzz", dependencies: ["FuzzHarnesses"]),
        .executableTarget(name: "bp", dependencies: [
            "FastCGI", "Protection", "Store", "Mail", "Rendering", "Operations", "Web",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "ProtectionTests", dependencies: ["Protection"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Protection", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "OperationsTests", dependencies: ["Operations", "Store", "Protection", "Mail", "Rendering",
                                                         .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "WebTests", dependencies: ["Web", "Store", "Protection", "Mail", "Rendering", "FastCGI",
                                                  .product(name: "MultipartKit", package: "multipart-kit")]),
        .testTarget(name: "FuzzTests", dependencies: ["FuzzHarnesses"]),
        .testTarget(name: "IntegrationTests", dependencies: ["Store", "Protection", .product(name: "GRDB", package: "GRDB.swift")]),
    ]
)
