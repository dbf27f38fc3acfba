// Makes one programmer error of the library's, by name, so that a test can check the message a release
// build prints (see Sources/ErrorExamples). `error-examples <name>`; without a name it lists the names.
import ErrorExamples
import Foundation

let arguments = CommandLine.arguments.dropFirst()
guard let name = arguments.first, let example = ErrorExample.named(name) else {
    print(ErrorExample.all.map(\.name).joined(separator: "\n"))
    exit(arguments.isEmpty ? 0 : 2)
}
example.trigger()
print("error-examples: \(name) did not stop the program")
exit(3)
