import Foundation
import Testing
import ErrorExamples
@testable import DeepLearning

/// A programmer error (a shape mismatch, an index out of range, a second backward) stops the program with
/// a message that names the op and the shapes. Each example of `ErrorExample.all` runs in a child process
/// (a Swift Testing exit test) whose standard error is checked; `releaseBuild` checks the same messages
/// printed by the release-built `error-examples` executable, where Swift's `precondition` would print none.
@Suite struct ShapeErrorTests {
    /// Expects the captured standard error to contain `message`.
    static func expectMessage(_ result: ExitTest.Result?, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains(message), "expected \"\(message)\" in: \(stderr)", sourceLocation: sourceLocation)
    }

    /// (EmptyDimensionTests runs ``ErrorExample/emptyDimensions``.)
    @Test(arguments: ErrorExample.shapeErrors.map(\.name))
    func debugBuild(_ name: String) async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [name] in
            ErrorExample.named(name)!.trigger()
        }
        Self.expectMessage(result, ErrorExample.named(name)!.message)
    }

    /// `.build/release/error-examples`, built by `make test` (`swift build -c release --product error-examples`).
    static let releaseExecutable = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/release/error-examples").path

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: releaseExecutable),
                   "no release build of error-examples: run `swift build -c release --product error-examples` (make test does)"))
    func releaseBuild() throws {
        for example in ErrorExample.all {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.releaseExecutable)
            process.arguments = [example.name]
            // No backtrace: the message is what is checked, and symbolicating takes most of a second.
            process.environment = ProcessInfo.processInfo.environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { $1 }
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus != 0 || process.terminationReason == .uncaughtSignal, "\(example.name) exited normally")
            #expect(stderr.contains(example.message), "\(example.name): expected \"\(example.message)\" in: \(stderr)")
        }
    }
}
