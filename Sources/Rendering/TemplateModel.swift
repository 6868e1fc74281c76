import Mustache

/// A page or mail model as Mustache reads it. Models are built as `[String: Any]`; before
/// rendering they are wrapped in this class, because the template engine asks every
/// value whether it conforms to its protocols, and for a dictionary (whose conformance is
/// conditional on its key type) that question costs far more than for a class that
/// conforms outright. On a list page of 50 rows this halved the rendering time.
public final class TemplateModel: MustacheParent, @unchecked Sendable {
    let values: [String: Any]

    init(_ values: [String: Any]) {
        self.values = values
    }

    public func child(named name: String) -> Any? { values[name] }

    /// Wraps dictionaries, and the dictionaries inside arrays and dictionaries, once.
    public static func wrap(_ value: Any) -> Any {
        switch value {
        case let dictionary as [String: Any]:
            return TemplateModel(dictionary.mapValues(wrap))
        case let array as [[String: Any]]:
            return array.map { TemplateModel($0.mapValues(wrap)) }
        case let array as [Any]:
            return array.map(wrap)
        case let text as String:
            return TemplateText(text)
        default:
            return value
        }
    }
}

/// A string value of a model. The engine tries several casts on every value it renders
/// (template? lambda? optional? custom renderable?); answering them for a final class
/// that says "custom renderable" at once is much cheaper than for a String.
public final class TemplateText: MustacheCustomRenderable, CustomStringConvertible, @unchecked Sendable {
    public let renderText: String
    public var isNull: Bool { false }
    public var description: String { renderText }

    init(_ text: String) {
        renderText = text
    }
}
