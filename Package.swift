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
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
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
            // The C API beneath GRDB, for reading list rows column by column (Columns).
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Templates/ compiled into Swift at build time: the generator runs on the host,
        // the plugin feeds it the templates, catalogs and each target's model files.
        .executableTarget(name: "TemplateCompiler"),
        .plugin(name: "CompileTemplates", capability: .buildTool(), dependencies: ["TemplateCompiler"]),
        .target(name: "Rendering", dependencies: ["Protection"], plugins: ["CompileTemplates"]),
        .target(name: "Mail", dependencies: [
            "Protection", "Store", "Rendering",
            .product(name: "Logging", package: "swift-log"),
            // Replies that arrive by email: MIME bodies (InboundMessage).
            .product(name: "MultipartKit", package: "multipart-kit"),
        ], plugins: ["CompileTemplates"]),
        .target(name: "Operations", dependencies: [
            "Protection", "Store", "Mail", "Rendering",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "CryptoExtras", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        // Sends the webhook deliveries the outbox holds; the only outgoing HTTP of the product.
        .target(name: "Webhooks", dependencies: [
            "Protection", "Store", "Operations",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Web", dependencies: [
            "FastCGI", "Protection", "Store", "Mail", "Rendering", "Operations",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ], plugins: ["CompileTemplates"]),
        .target(name: "FuzzHarnesses", dependencies: ["FastCGI", "Protection", "Rendering", "Operations", "Store", "Web", "Mail"]),
        .executableTarget(name: "BPFuzz", dependencies: ["FuzzHarnesses"]),
        .executableTarget(name: "bp", dependencies: [
            "FastCGI", "Protection", "Store", "Mail", "Rendering", "Operations", "Web", "Webhooks",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "ProtectionTests", dependencies: ["Protection"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Protection", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "OperationsTests", dependencies: ["Operations", "Store", "Protection", "Mail", "Rendering",
                                                         .product(name: "GRDB", package: "GRDB.swift")]),
        // swift-mustache renders the same templates from the same models as the reference
        // the compiled templates are compared with; it is not part of the product.
        .testTarget(name: "WebTests", dependencies: ["Web", "Store", "Protection", "Mail", "Rendering", "FastCGI", "Operations",
                                                  .product(name: "MultipartKit", package: "multipart-kit"),
                                                  .product(name: "Mustache", package: "swift-mustache")]),
        .testTarget(name: "FuzzTests", dependencies: ["FuzzHarnesses"]),
        .testTarget(name: "IntegrationTests", dependencies: [
            "Store", "Protection", .product(name: "GRDB", package: "GRDB.swift"),
            // HMAC-SHA1 for the tests' own TOTP codes, apart from the product's.
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
    ]
)
