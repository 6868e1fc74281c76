/// A Swift type as the generator sees it: `String`, `[Row]`, `CaseView?`, `PageLayout<P>`.
indirect enum TypeRef: Equatable, CustomStringConvertible {
    case named(String, [TypeRef])
    case optional(TypeRef)
    case array(TypeRef)

    var description: String {
        switch self {
        case .named(let name, let arguments):
            arguments.isEmpty ? name : "\(name)<\(arguments.map(\.description).joined(separator: ", "))>"
        case .optional(let wrapped): "\(wrapped)?"
        case .array(let element): "[\(element)]"
        }
    }

    /// Parses the spelling of a type in a declaration; nil for what models do not use
    /// (closures, tuples, dictionaries).
    static func parse(_ raw: String) -> TypeRef? {
        let text = raw.trimming(" \t")
        if text.hasSuffix("?") { return parse(String(text.dropLast())).map(TypeRef.optional) }
        if text.hasPrefix("[") && text.hasSuffix("]") {
            let inner = String(text.dropFirst().dropLast())
            if topLevelContains(inner, ":") { return nil }
            return parse(inner).map(TypeRef.array)
        }
        if text.contains("->") || text.hasPrefix("(") { return nil }
        if let open = text.firstIndex(of: "<"), text.hasSuffix(">") {
            let name = String(text[..<open])
            let inner = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
            let arguments = splitTopLevel(inner).compactMap(parse)
            if name == "Optional", arguments.count == 1 { return .optional(arguments[0]) }
            if name == "Array", arguments.count == 1 { return .array(arguments[0]) }
            return .named(lastComponent(name), arguments)
        }
        guard !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else { return nil }
        return .named(lastComponent(text), [])
    }

    private static func lastComponent(_ name: String) -> String {
        String(name.split(separator: ".").last ?? Substring(name))
    }

    private static func topLevelContains(_ text: String, _ wanted: Character) -> Bool {
        var depth = 0
        for char in text {
            if char == "<" || char == "[" || char == "(" { depth += 1 }
            if char == ">" || char == "]" || char == ")" { depth -= 1 }
            if depth == 0 && char == wanted { return true }
        }
        return false
    }

    private static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var depth = 0
        var part = ""
        for char in text {
            if char == "<" || char == "[" || char == "(" { depth += 1 }
            if char == ">" || char == "]" || char == ")" { depth -= 1 }
            if depth == 0 && char == "," {
                parts.append(part)
                part = ""
            } else {
                part.append(char)
            }
        }
        parts.append(part)
        return parts
    }
}

/// A model type's properties, stored or computed, by their Swift names.
struct TypeDecl {
    var name: String
    var genericParameters: [String]
    var properties: [String: TypeRef]
    var file: String
    /// The protocols its declaration or an extension names (`TemplateText`).
    var conformances: Set<String> = []
}

/// Reads model declarations out of Swift source: `struct`/`class`/`enum`/`extension`
/// bodies and the `let`/`var` properties declared directly in them (static ones and
/// those inside functions are skipped). It understands the plain style the model files
/// are written in, not all of Swift: a property needs its type written out.
struct ModelScanner {
    private(set) var types: [String: TypeDecl] = [:]
    private(set) var imports: Set<String> = []

    mutating func scan(_ source: String, file: String) {
        var depth = 0
        var scopes: [(name: String, depth: Int)] = []
        var pending: (name: String, generics: [String])?
        for rawLine in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = Self.code(String(rawLine))
            let trimmed = line.trimming(" \t")
            if depth == 0, trimmed.hasPrefix("import ") {
                imports.insert(String(trimmed.dropFirst("import ".count)).trimming(" "))
            }
            if let declared = Self.typeDeclaration(trimmed) {
                pending = (declared.name, declared.generics)
                if types[declared.name] == nil {
                    types[declared.name] = TypeDecl(name: declared.name, genericParameters: declared.generics, properties: [:], file: file)
                } else if !declared.generics.isEmpty {
                    types[declared.name]?.genericParameters = declared.generics
                }
                types[declared.name]?.conformances.formUnion(declared.conformances)
            } else if let scope = scopes.last, depth == scope.depth, let (name, type) = Self.property(trimmed) {
                types[scope.name]?.properties[name] = type
            }
            for char in line {
                if char == "{" {
                    depth += 1
                    if let open = pending {
                        scopes.append((open.name, depth))
                        pending = nil
                    }
                } else if char == "}" {
                    if let scope = scopes.last, scope.depth == depth { scopes.removeLast() }
                    depth -= 1
                }
            }
        }
    }

    /// The line without its `//` comment and with string literals emptied, so braces
    /// inside them do not count.
    private static func code(_ line: String) -> String {
        var out = ""
        var inString = false
        var previous: Character = " "
        for char in line {
            if inString {
                if char == "\"" && previous != "\\" {
                    inString = false
                    out.append(char)
                }
                previous = char == "\\" && previous == "\\" ? " " : char
                continue
            }
            if char == "/" && previous == "/" {
                out.removeLast()
                break
            }
            if char == "\"" { inString = true }
            out.append(char)
            previous = char
        }
        return out
    }

    private static let modifiers: Set<String> = [
        "public", "internal", "private", "fileprivate", "package", "final", "open", "private(set)", "public(set)", "nonisolated",
        "indirect",
    ]

    private static func words(_ line: String) -> [String] {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    }

    private static func typeDeclaration(_ line: String) -> (name: String, generics: [String], conformances: [String])? {
        var rest = words(line)
        while let first = rest.first, modifiers.contains(first) || first.hasPrefix("@") { rest.removeFirst() }
        guard rest.count >= 2, ["struct", "class", "enum", "extension", "actor"].contains(rest[0]) else { return nil }
        var name = rest[1]
        if let cut = name.firstIndex(where: { $0 == ":" || $0 == "{" }) { name = String(name[..<cut]) }
        var generics: [String] = []
        if let open = name.firstIndex(of: "<") {
            let inner = name[name.index(after: open)...].prefix { $0 != ">" }
            generics = inner.split(separator: ",").map { String($0.split(separator: ":")[0]).trimming(" ") }
            name = String(name[..<open])
        }
        name = String(name.split(separator: ".").last ?? Substring(name))
        // `struct X: A, B {`, `extension X: A where …`: the names after the first colon
        // outside the generic brackets.
        let declaration = rest.dropFirst().joined(separator: " ")
        var conformances: [String] = []
        var depth = 0
        if let colon = declaration.firstIndex(where: { char in
            if char == "<" { depth += 1 }
            if char == ">" { depth -= 1 }
            return depth == 0 && char == ":"
        }) {
            var list = String(declaration[declaration.index(after: colon)...])
            if let end = list.firstIndex(of: "{") { list = String(list[..<end]) }
            list = list.split(separator: " ").prefix { $0 != "where" }.joined(separator: " ")
            conformances = list.split(separator: ",").map { String($0).trimming(" \t") }.filter { !$0.isEmpty }
        }
        return (name, generics, conformances)
    }

    private static func property(_ line: String) -> (String, TypeRef)? {
        var rest = words(line)
        while let first = rest.first, modifiers.contains(first) || first.hasPrefix("@") { rest.removeFirst() }
        guard let keyword = rest.first, keyword == "let" || keyword == "var" else { return nil }
        let declaration = rest.dropFirst().joined(separator: " ")
        guard let colon = declaration.firstIndex(of: ":") else { return nil }
        let name = String(declaration[..<colon]).trimming(" ").replacingBackticks()
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        var typeText = String(declaration[declaration.index(after: colon)...])
        if let cut = typeText.firstIndex(where: { $0 == "=" || $0 == "{" }) { typeText = String(typeText[..<cut]) }
        guard let type = TypeRef.parse(typeText) else { return nil }
        return (name, type)
    }
}

extension String {
    func trimming(_ set: String) -> String {
        let skip = Set(set)
        var slice = Substring(self)
        while let first = slice.first, skip.contains(first) { slice.removeFirst() }
        while let last = slice.last, skip.contains(last) { slice.removeLast() }
        return String(slice)
    }
}

extension String {
    /// `` `case` `` is declared with backticks and named without them.
    func replacingBackticks() -> String { filter { $0 != "`" } }
}
