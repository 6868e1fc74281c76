/// Turns parsed templates into Swift functions over typed models.
///
/// How names resolve: a template names its model type in a comment on its first line,
/// `{{! model: PageLayout<MerchantCasesPage> }}`. That type is the bottom of a stack of
/// typed scopes; a section over an array, an optional or a struct pushes the element's
/// type. A tag's first name is looked up from the innermost scope outwards, at build
/// time, among the properties the scanned Swift declarations give each type
/// (`order_number` in a template is `orderNumber` in Swift); the following names of a
/// dotted path (`case.number`) are looked up strictly on the type before them. A name
/// no scope answers is a build error with the template's file and line. Partials and
/// layouts are expanded where they are used, with the scopes of that place.
///
/// What a section means comes from the type, as in swift-mustache: `Bool` renders or
/// not, an optional renders with its value, an array once per element, a struct once.
/// A section over a `String` or `Int` always renders in Mustache, which is never what
/// was meant, so it is refused: declare such a value optional. `{{t.key}}` on a
/// `Catalog` is checked against `Strings/en.json` and writes the pre-escaped words. A
/// value of a type declared `TemplateText` (an amount, a date, a label) writes itself.
struct CodeGenerator {
    let templates: [String: [Node]]
    let models: ModelScanner
    let catalogKeys: [String]
    private(set) var errors: [TemplateSyntaxError] = []
    private var code: [String] = []
    private var variableCounter = 0

    init(templates: [String: [Node]], models: ModelScanner, catalogKeys: [String]) {
        self.templates = templates
        self.models = models
        self.catalogKeys = catalogKeys
        self.catalogKeySet = Set(catalogKeys)
    }

    private let catalogKeySet: Set<String>

    private struct Scope {
        let expression: String
        let type: TypeRef
    }

    private struct Frame {
        var scopes: [Scope]
        var html: Bool
        var blocks: [String: [Node]]
        var partials: [String]
    }

    /// The Swift function that renders `template` from a `root` model.
    mutating func function(template: String, root: TypeRef, file: String) -> String {
        code = []
        variableCounter = 0
        let name = Self.functionName(template)
        code.append("    /// `Templates/\(template).mustache` over `\(root)`.")
        code.append("    static func \(name)(_ model: \(root), into out: inout TemplateOutput) {")
        let frame = Frame(scopes: [Scope(expression: "model", type: root)], html: true, blocks: [:], partials: [template])
        emit(templates[template] ?? [], frame, indent: 2)
        code.append("    }")
        return code.joined(separator: "\n")
    }

    static func functionName(_ template: String) -> String {
        var name = ""
        var upper = false
        for char in template {
            if char == "/" || char == "." || char == "_" || char == "-" {
                upper = true
            } else {
                name += upper ? char.uppercased() : String(char)
                upper = false
            }
        }
        return name
    }

    // MARK: - Bodies

    private mutating func emit(_ nodes: [Node], _ outer: Frame, indent: Int) {
        var frame = outer
        var text = ""
        let pad = String(repeating: "    ", count: indent)
        func flush(_ code: inout [String]) {
            if !text.isEmpty {
                code.append(pad + "out.literal(\(Self.literal(text)))")
                text = ""
            }
        }
        for node in nodes {
            switch node {
            case .text(let words):
                text += words
            case .contentType(let type, _):
                frame.html = type == "HTML"
            case .variable(let name, let escaped):
                flush(&code)
                variable(name, escaped: escaped && frame.html, frame, pad: pad)
            case .section(let name, let inverted, let body):
                flush(&code)
                section(name, inverted: inverted, body: body, frame, indent: indent)
            case .partial(let name, let indentation, let at):
                flush(&code)
                if let indentation, !indentation.isEmpty {
                    fail(
                        at,
                        "{{>\(name)}} is indented; put the partial's tag at the start of its line (indenting a partial's lines is not compiled)"
                    )
                    continue
                }
                guard let body = include(name, at, frame) else { continue }
                var inner = frame
                inner.html = true
                inner.partials.append(name)
                emit(body, inner, indent: indent)
            case .inherit(let name, let blocks, let indentation, let at):
                flush(&code)
                if !indentation.isEmpty { fail(at, "{{<\(name)}} is indented; put it at the start of its line") }
                guard let body = include(name, at, frame) else { continue }
                var inner = frame
                inner.html = true
                inner.partials.append(name)
                inner.blocks = blocks.merging(frame.blocks) { _, outer in outer }
                emit(body, inner, indent: indent)
            case .block(let name, let body, let indentation, let at):
                flush(&code)
                if !indentation.isEmpty { fail(at, "{{$\(name)}} is indented; put it at the start of its line") }
                emit(frame.blocks[name] ?? body, frame, indent: indent)
            }
        }
        flush(&code)
    }

    private mutating func include(_ name: String, _ at: Origin, _ frame: Frame) -> [Node]? {
        guard let body = templates[name] else {
            fail(at, "no template `\(name)` (Templates/\(name).mustache)")
            return nil
        }
        if frame.partials.contains(name) {
            fail(at, "`\(name)` includes itself (\(frame.partials.joined(separator: " → ")))")
            return nil
        }
        return body
    }

    // MARK: - Tags

    private mutating func variable(_ name: Name, escaped: Bool, _ frame: Frame, pad: String) {
        if let key = catalogKey(name, frame) {
            location(name.at, pad: pad)
            code.append(pad + "out.append(\(key.catalog).\(escaped ? "html" : "text")(.\(Self.identifier(key.key))))")
            return
        }
        guard let (expression, type) = resolve(name, frame) else { return }
        location(name.at, pad: pad)
        write(expression, type, escaped: escaped, name: name, pad: pad)
    }

    private mutating func write(_ expression: String, _ type: TypeRef, escaped: Bool, name: Name, pad: String) {
        switch type {
        case .named("String", _), .named("Substring", _):
            code.append(pad + "out.\(escaped ? "escape" : "raw")(\(expression))")
        case .named("Int", _):
            code.append(pad + "out.int(\(expression))")
        case .named("Bool", _):
            code.append(pad + "out.raw(\(expression) ? \"true\" : \"false\")")
        case .named(let typeName, _) where models.types[typeName]?.conformances.contains("TemplateText") == true:
            code.append(pad + "\(expression).write(into: &out, html: \(escaped))")
        case .optional(let wrapped):
            let value = nextVariable()
            code.append(pad + "if let \(value) = \(expression) {")
            write(value, wrapped, escaped: escaped, name: name, pad: pad + "    ")
            code.append(pad + "}")
        default:
            fail(name.at, "{{\(name.text)}} is a \(type), which has no text; name one of its properties")
        }
    }

    private mutating func section(_ name: Name, inverted: Bool, body: [Node], _ frame: Frame, indent: Int) {
        let pad = String(repeating: "    ", count: indent)
        guard let (expression, type) = resolve(name, frame) else { return }
        location(name.at, pad: pad)
        var value = nextVariable()
        var inner = frame
        func bodyCode(_ generator: inout CodeGenerator, pushing pushed: TypeRef?) -> [String] {
            if let pushed { inner.scopes.append(Scope(expression: value, type: pushed)) }
            let saved = generator.code
            generator.code = []
            generator.emit(body, inner, indent: indent + 1)
            let lines = generator.code
            generator.code = saved
            return lines
        }
        func uses(_ lines: [String]) -> Bool { lines.contains { $0.contains(value) } }
        switch (type, inverted) {
        case (.named("Bool", _), false):
            code.append(pad + "if \(expression) {")
            code += bodyCode(&self, pushing: nil)
        case (.named("Bool", _), true):
            code.append(pad + "if !(\(expression)) {")
            code += bodyCode(&self, pushing: nil)
        case (.optional(.named("Bool", _)), false):
            code.append(pad + "if \(expression) == true {")
            code += bodyCode(&self, pushing: nil)
        case (.optional(.named("Bool", _)), true):
            code.append(pad + "if \(expression) != true {")
            code += bodyCode(&self, pushing: nil)
        case (.optional(let wrapped), false):
            guard checkPushable(wrapped, name) else { return }
            let lines = bodyCode(&self, pushing: wrapped)
            code.append(pad + (uses(lines) ? "if let \(value) = \(expression) {" : "if \(expression) != nil {"))
            code += lines
        case (.optional(let wrapped), true):
            if case .array = wrapped {
                code.append(pad + "if (\(expression))?.isEmpty ?? true {")
            } else {
                code.append(pad + "if \(expression) == nil {")
            }
            code += bodyCode(&self, pushing: nil)
        case (.array(let element), false):
            guard checkPushable(element, name) else { return }
            // The body reads each element in place (`vN[iN].name`, through the array's
            // buffer) rather than through a loop variable or the array's subscript, which
            // copied every row (a reference count per field) only to drop it after the row
            // was written.
            let elements = value
            let index = "i" + value.dropFirst()
            value = "\(elements)[\(index)]"
            let lines = bodyCode(&self, pushing: element)
            code.append(pad + "do {")
            code.append(pad + "    \(expression).withUnsafeBufferPointer { \(elements) in")
            code.append(pad + "    for \(uses(lines) ? index : "_") in \(elements).indices {")
            code += lines.map { "    " + $0 }
            code.append(pad + "    }")
            code.append(pad + "    }")
        case (.array, true):
            code.append(pad + "if \(expression).isEmpty {")
            code += bodyCode(&self, pushing: nil)
        case (.named(let typeName, _), false) where !Self.scalars.contains(typeName):
            guard checkPushable(type, name) else { return }
            let lines = bodyCode(&self, pushing: type)
            code.append(pad + "do {")
            if uses(lines) { code.append(pad + "    let \(value) = \(expression)") }
            code += lines
        default:
            let sign = inverted ? "^" : "#"
            fail(
                name.at,
                "{{\(sign)\(name.text)}} is over a \(type), which Mustache always (or never) renders; make it a Bool, an optional or an array"
            )
            return
        }
        code.append(pad + "}")
    }

    private static let scalars: Set<String> = ["String", "Substring", "Int", "Bool", "Double"]

    private mutating func checkPushable(_ type: TypeRef, _ name: Name) -> Bool {
        switch type {
        case .named(let typeName, _):
            if Self.scalars.contains(typeName) || models.types[typeName] != nil || typeName == "Catalog" { return true }
            fail(name.at, "{{#\(name.text)}} is over \(typeName), which no model file declares")
            return false
        default:
            fail(name.at, "{{#\(name.text)}} is over \(type): a section's value is one level deep (optional or array of a model)")
            return false
        }
    }

    // MARK: - Names

    /// `t.key` where `t` is a `Catalog`: the catalog's expression and the key.
    private mutating func catalogKey(_ name: Name, _ frame: Frame) -> (catalog: String, key: String)? {
        let parts = name.text.split(separator: ".").map(String.init)
        guard parts.count == 2, let scope = scope(answering: parts[0], frame),
            let type = properties(of: scope.type)?[Self.swiftName(parts[0])], type == .named("Catalog", [])
        else { return nil }
        if !catalogKeySet.contains(parts[1]) {
            fail(name.at, "{{\(name.text)}}: no key `\(parts[1])` in Strings/en.json")
        }
        return (scope.expression + "." + Self.member(parts[0]), parts[1])
    }

    private func scope(answering first: String, _ frame: Frame) -> Scope? {
        frame.scopes.reversed().first { properties(of: $0.type)?[Self.swiftName(first)] != nil }
    }

    /// The Swift expression and type of a tag's name, or nil (and an error).
    private mutating func resolve(_ name: Name, _ frame: Frame) -> (String, TypeRef)? {
        if name.text == "." {
            let top = frame.scopes[frame.scopes.count - 1]
            return (top.expression, top.type)
        }
        let parts = name.text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains(""), !name.text.hasPrefix(".") else {
            fail(name.at, "{{\(name.text)}}: write names as `a` or `a.b`")
            return nil
        }
        guard let base = scope(answering: parts[0], frame) else {
            let seen = frame.scopes.map(\.type.description).joined(separator: ", ")
            fail(name.at, "`\(parts[0])`: no property `\(Self.swiftName(parts[0]))` in any model in scope (\(seen))")
            return nil
        }
        var expression = base.expression
        var type = base.type
        var chained = false
        for (index, part) in parts.enumerated() {
            var owner = type
            if index > 0, case .optional(let wrapped) = type {
                owner = wrapped
                expression += "?"
                chained = true
            }
            guard let property = properties(of: owner)?[Self.swiftName(part)] else {
                fail(name.at, "`\(name.text)`: \(owner) has no property `\(Self.swiftName(part))`")
                return nil
            }
            expression += "." + Self.member(part)
            type = property
        }
        if chained, case .optional = type {} else if chained { type = .optional(type) }
        return (expression, type)
    }

    /// A type's properties with its generic parameters replaced by the arguments.
    private func properties(of type: TypeRef) -> [String: TypeRef]? {
        guard case .named(let name, let arguments) = type, let declaration = models.types[name] else { return nil }
        guard !declaration.genericParameters.isEmpty else { return declaration.properties }
        let substitutions = Dictionary(uniqueKeysWithValues: zip(declaration.genericParameters, arguments))
        func substitute(_ type: TypeRef) -> TypeRef {
            switch type {
            case .named(let name, let arguments) where arguments.isEmpty: substitutions[name] ?? type
            case .named(let name, let arguments): .named(name, arguments.map(substitute))
            case .optional(let wrapped): .optional(substitute(wrapped))
            case .array(let element): .array(substitute(element))
            }
        }
        return declaration.properties.mapValues(substitute)
    }

    /// `order_number` → `orderNumber`; names already in camel case stay as they are.
    static func swiftName(_ name: String) -> String {
        var out = ""
        var upper = false
        for char in name {
            if char == "_" || char == "-" {
                upper = !out.isEmpty
            } else {
                out += upper ? char.uppercased() : String(char)
                upper = false
            }
        }
        return out
    }

    private static let keywords: Set<String> = [
        "case", "class", "default", "do", "else", "enum", "for", "func", "if", "import", "in", "is", "let", "protocol",
        "repeat", "return", "self", "static", "struct", "switch", "var", "where", "while", "as", "operator", "extension",
    ]

    static func identifier(_ name: String) -> String { keywords.contains(name) ? "`\(name)`" : name }

    private static func member(_ name: String) -> String { identifier(swiftName(name)) }

    // MARK: - Output

    private mutating func nextVariable() -> String {
        variableCounter += 1
        return "v\(variableCounter)"
    }

    /// Where the next statement comes from, for whoever reads a compiler message about
    /// the generated file. (`#sourceLocation` would point the compiler at the template,
    /// but templates of the same name in different folders, `customer/case` and
    /// `merchant/case`, then clash as `#fileID`s.)
    private mutating func location(_ at: Origin, pad: String) {
        code.append(pad + "// \(at.file):\(at.line)")
    }

    private mutating func fail(_ at: Origin, _ message: String) {
        errors.append(TemplateSyntaxError(at: at, message: message))
    }

    /// A Swift string literal for any text.
    static func literal(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
