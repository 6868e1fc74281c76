/// What a person recognises of a User-Agent header on their sessions list: the browser
/// and the system ("Firefox on Windows"), never the whole header.
enum DeviceName {
    static func of(_ userAgent: String?) -> String? {
        guard let ua = userAgent, !ua.isEmpty else { return nil }
        let browsers: [(String, String)] = [
            ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Chromium/", "Chromium"),
            ("Safari/", "Safari"), ("curl/", "curl"),
        ]
        let systems: [(String, String)] = [
            ("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"), ("Mac OS X", "macOS"),
            ("CrOS", "ChromeOS"), ("Linux", "Linux"),
        ]
        let browser = browsers.first { ua.contains($0.0) }?.1 ?? "A browser"
        guard let system = systems.first(where: { ua.contains($0.0) })?.1 else { return browser }
        return "\(browser) · \(system)"
    }
}
