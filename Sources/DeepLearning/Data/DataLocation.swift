import Foundation

/// Where data files are found.
public enum DataLocation {
    /// The folder `Data/<name>` bundled with the repository: under `$DEEPLEARNING_DATA` if set, else the
    /// first `Data/<name>` found in the current directory or its parents, or in the executable's directory or
    /// its parents (so `deep` works from any directory of a checkout).
    public static func bundled(_ name: String) throws -> String {
        let fm = FileManager.default
        if let root = ProcessInfo.processInfo.environment["DEEPLEARNING_DATA"] {
            return root + "/" + name
        }
        var starts = [fm.currentDirectoryPath]
        if let exe = Bundle.main.executablePath { starts.append((exe as NSString).deletingLastPathComponent) }
        starts.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().path)
        for start in starts {
            var dir = URL(fileURLWithPath: start)
            for _ in 0..<8 {
                let candidate = dir.appendingPathComponent("Data").appendingPathComponent(name).path
                if fm.fileExists(atPath: candidate) { return candidate }
                dir.deleteLastPathComponent()
            }
        }
        throw DataError.fileNotFound(path: "Data/\(name) (looked in the current directory, the executable's and their parents; set DEEPLEARNING_DATA)")
    }

    /// The first of `candidates` that contains `file`, or an error listing them all.
    public static func firstDirectory(containing file: String, in candidates: [String]) throws -> String {
        for dir in candidates where FileManager.default.fileExists(atPath: dir + "/" + file) { return dir }
        throw DataError.fileNotFound(path: "\(file) (looked in: \(candidates.joined(separator: ", ")))")
    }
}
