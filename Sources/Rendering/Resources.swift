import Foundation

/// Where the string catalogs and public files are (templates are compiled into the
/// executable): `BP_ROOT` when set, else
/// the checkout the executable was built in (`.build/release/bp` → two levels up),
/// else the current directory.
public enum Resources {
    public static func root(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let root = environment["BP_ROOT"], !root.isEmpty { return root }
        let fm = FileManager.default
        var candidate = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        // Installed (`make install`): PREFIX/bin/bp beside PREFIX/share/buyer-protection.
        let installed = candidate.deletingLastPathComponent().appendingPathComponent("share/buyer-protection")
        if fm.fileExists(atPath: installed.appendingPathComponent("Strings").path) { return installed.path }
        for _ in 0..<4 {
            if fm.fileExists(atPath: candidate.appendingPathComponent("Strings").path) { return candidate.path }
            candidate = candidate.deletingLastPathComponent()
        }
        return fm.currentDirectoryPath
    }
}
