// swift-tools-version:6.0
import PackageDescription
import Foundation

// Our kernels are plain Swift loops over SIMD types; by default swiftc targets baseline x86-64 (SSE2, no
// FMA). On an x86-64 Linux machine whose CPU has AVX2 and FMA we compile for them (as `-march=native` would),
// which doubles the width of every vector loop. Where the CPU also has AVX-512 (F, CD, BW, DQ, VL: Intel
// Skylake-SP and later, AMD Zen 4) we compile for that, and define DEEPLEARNING_AVX512 for the kernels that
// are written for its 32 registers of 16 floats (Kernels/PackedGEMM.swift). Either way DEEPLEARNING_FMA tells
// the kernels that fused multiply-adds are instructions (Kernels/MultiplyAdd.swift). DEEPLEARNING_PORTABLE=1
// turns this off, for binaries that must run on older CPUs.
var tuning: [SwiftSetting] = []
#if arch(x86_64) && os(Linux)
if ProcessInfo.processInfo.environment["DEEPLEARNING_PORTABLE"] == nil,
   let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
   let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) {
    let flags = Set(flagsLine.split(separator: " ").map(String.init))
    if flags.isSuperset(of: ["avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]) {
        tuning = [.unsafeFlags(["-target-cpu", "skylake-avx512"]), .define("DEEPLEARNING_AVX512"), .define("DEEPLEARNING_FMA")]
    } else if flags.isSuperset(of: ["avx2", "fma"]) {
        tuning = [.unsafeFlags(["-target-cpu", "haswell"]), .define("DEEPLEARNING_FMA")]
    }
}
#endif

let package = Package(
    name: "DeepLearning",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DeepLearning", targets: ["DeepLearning"]),
        .library(name: "Environments", targets: ["Environments"]),
        .library(name: "DistributedTraining", targets: ["DistributedTraining"]),
        .executable(name: "deep", targets: ["deep"]),
        .executable(name: "error-examples", targets: ["error-examples"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation`: the DocC catalog in Sources/DeepLearning/DeepLearning.docc and the
        // snippets in Snippets/ (which `swift build` compiles too).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
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
            swiftSettings: tuning,
            linkerSettings: [.linkedFramework("Accelerate", .when(platforms: [.macOS]))]),
        // Reinforcement-learning environments (Gymnasium's classic control); no dependency on the library.
        .target(name: "Environments", swiftSettings: tuning),
        // Reinforcement-learning agents (DQN, REINFORCE, PPO) on the library and the environments.
        .target(
            name: "Agents",
            dependencies: ["DeepLearning", "Environments"]),
        // Open MPI (Debian libopenmpi-dev), for data-parallel training across processes and machines. Only
        // DistributedTraining and the deep tool use it: a package that imports DeepLearning alone builds without MPI.
        .systemLibrary(
            name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev"])]),
        .target(
            name: "DistributedTraining",
            dependencies: ["DeepLearning", "CMPI"]),
        .target(
            name: "Cases",
            dependencies: ["DeepLearning", "Environments", "Agents"]),
        // Programmer errors and their messages, for the exit tests in debug and (through `error-examples`)
        // release builds.
        .target(
            name: "ErrorExamples",
            dependencies: ["DeepLearning"]),
        .executableTarget(
            name: "error-examples",
            dependencies: ["ErrorExamples"]),
        .executableTarget(
            name: "deep",
            dependencies: ["DeepLearning", "Environments", "Agents", "Cases", "DistributedTraining", "CBLAS",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(
            name: "EnvironmentsTests",
            dependencies: ["Environments"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "AgentsTests",
            dependencies: ["Agents", "DeepLearning", "Environments"]),
        .testTarget(
            name: "DeepLearningTests",
            dependencies: ["DeepLearning", "Cases", "DistributedTraining", "ErrorExamples"],
            exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v5]
)
