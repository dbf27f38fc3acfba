// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "DeepLearning",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DeepLearning", targets: ["DeepLearning"]),
        .executable(name: "deep", targets: ["deep"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // CBLAS: OpenBLAS on Linux (Debian libopenblas-dev), Accelerate on macOS.
        .systemLibrary(
            name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        // zlib, for gzip-compressed data files and PNG output.
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "DeepLearning",
            dependencies: ["CBLAS", "CZlib"],
            linkerSettings: [.linkedFramework("Accelerate", .when(platforms: [.macOS]))]),
        .executableTarget(
            name: "deep",
            dependencies: ["DeepLearning", "CBLAS", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(
            name: "DeepLearningTests",
            dependencies: ["DeepLearning"],
            exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v5]
)
