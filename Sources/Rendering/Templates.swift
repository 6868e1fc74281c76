import Foundation
import Mustache

/// The Mustache templates of `Templates/`, loaded once at start. A template's name is
/// its path without the extension: `customer/account`, `mail/case_opened.html`.
public struct TemplateLibrary: Sendable {
    public let library: MustacheLibrary

    public init(directory: String) throws {
        FastHTMLEscaping.install()
        var library = MustacheLibrary()
        let base = URL(fileURLWithPath: directory).standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: base) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: base])
        }
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(".mustache") else { continue }
            let text = try String(contentsOfFile: base + "/" + relative, encoding: .utf8)
            let name = String(relative.dropLast(".mustache".count))
            do {
                try library.register(text, named: name)
            } catch {
                throw TemplateError(name: name, underlying: "\(error)")
            }
        }
        self.library = library
    }

    public func has(_ name: String) -> Bool { library.getTemplate(named: name) != nil }

    /// Renders a template; a missing template is a programming error caught by the tests.
    public func render(_ name: String, _ context: Any) -> String {
        guard let text = library.render(TemplateModel.wrap(context), withTemplate: name) else {
            return "<!-- missing template \(name) -->"
        }
        return text
    }
}

public struct TemplateError: Error, CustomStringConvertible {
    public let name: String
    public let underlying: String
    public var description: String { "template \(name): \(underlying)" }
}
