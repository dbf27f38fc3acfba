/// Stops the program with `message` when `condition` is false: the library's check for programmer errors
/// (a shape mismatch, an axis out of range, an argument outside its domain).
///
/// Swift's `precondition` drops its message in release (`-O`) builds, so a user would see only
/// "precondition failure"; this check prints "DeepLearning: <message>" in every build configuration, as
/// PyTorch's `RuntimeError` does. Errors a caller can recover from (files, data) are thrown instead.
@inline(__always)
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                    file: StaticString = #fileID, line: UInt = #line) {
    if _slowPath(!condition()) { failure(message(), file: file, line: line) }
}

/// Stops the program with `message`, in every build configuration (see ``require(_:_:file:line:)``).
public func failure(_ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    fatalError("DeepLearning: " + message(), file: file, line: line)
}
