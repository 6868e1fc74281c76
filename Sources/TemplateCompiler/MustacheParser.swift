/// A Mustache template as a tree, parsed with the same whitespace rules as swift-mustache
/// 2.1.1 (its `Template+Parser.swift`, which the test-only reference renderer uses): a
/// line holding only a section, comment, partial or pragma tag is dropped whole, so the
/// compiled templates write the same bytes as the reference.
indirect enum Node {
    case text(String)
    case variable(Name, escaped: Bool)
    case section(Name, inverted: Bool, body: [Node])
    /// `{{>name}}`; `indentation` is nil when the tag is not alone on its line.
    case partial(String, indentation: String?, at: Origin)
    /// `{{<name}}{{$block}}…{{/block}}{{/name}}`
    case inherit(String, blocks: [String: [Node]], indentation: String, at: Origin)
    /// `{{$name}}default{{/name}}` inside a layout.
    case block(String, body: [Node], indentation: String, at: Origin)
    case contentType(String, at: Origin)
}

/// Where a tag is: for error messages and the comments of the generated code.
struct Origin {
    let file: String
    let line: Int
}

/// A name as written in a tag (`case.number`, `.`), with where it was written.
struct Name {
    let text: String
    let at: Origin
}

struct TemplateSyntaxError: Error, CustomStringConvertible {
    let at: Origin
    let message: String
    var description: String { "\(at.file):\(at.line): error: \(message)" }
}

struct MustacheParser {
    private let chars: [Character]
    private var position = 0
    private let file: String
    /// Index of each line's first character, for line numbers.
    private let lineStarts: [Int]

    init(_ text: String, file: String) {
        chars = Array(text)
        self.file = file
        var starts = [0]
        for (index, char) in chars.enumerated() where char.isNewline { starts.append(index + 1) }
        lineStarts = starts
    }

    static func parse(_ text: String, file: String) throws -> [Node] {
        var parser = MustacheParser(text, file: file)
        return try parser.parse(State())
    }

    private struct State {
        var sectionName: String?
        var newLine = true
        var isPartialDefinition = false
        var isPartialDefinitionTopLevel = false
        var partialDefinitionIndent: String?

        func inSection(_ name: String, newLine: Bool) -> State {
            var state = self
            state.sectionName = name
            state.isPartialDefinitionTopLevel = false
            if !newLine { state.newLine = false }
            return state
        }

        func inInheritance(_ name: String) -> State {
            var state = self
            state.sectionName = name
            state.newLine = true
            state.isPartialDefinition = true
            state.isPartialDefinitionTopLevel = true
            return state
        }
    }

    private var atEnd: Bool { position >= chars.count }
    private var current: Character { chars[position] }
    private var origin: Origin {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= position { low = mid } else { high = mid - 1 }
        }
        return Origin(file: file, line: low + 1)
    }

    private func fail(_ message: String) -> TemplateSyntaxError { TemplateSyntaxError(at: origin, message: message) }

    @discardableResult
    private mutating func read(while predicate: (Character) -> Bool) -> String {
        let start = position
        while !atEnd && predicate(current) { position += 1 }
        return String(chars[start..<position])
    }

    private mutating func read(_ literal: String) -> Bool {
        let wanted = Array(literal)
        guard position + wanted.count <= chars.count, Array(chars[position..<position + wanted.count]) == wanted else { return false }
        position += wanted.count
        return true
    }

    private mutating func parse(_ initial: State) throws -> [Node] {
        var nodes: [Node] = []
        var state = initial
        var whiteSpaceBefore = ""
        while !atEnd {
            if state.newLine {
                let whiteSpace = read { $0 == " " || $0 == "\t" }
                if state.isPartialDefinition && !state.isPartialDefinitionTopLevel {
                    if let indent = state.partialDefinitionIndent {
                        whiteSpaceBefore = String(whiteSpace.dropFirst(indent.count))
                    } else {
                        state.partialDefinitionIndent = whiteSpace
                    }
                } else {
                    whiteSpaceBefore = whiteSpace
                }
            }
            let text = readUntilTagOrNewline()
            if !atEnd && current.isNewline {
                nodes.append(.text(whiteSpaceBefore + text + String(current)))
                state.newLine = true
                position += 1
                continue
            }
            if !text.isEmpty {
                nodes.append(.text(whiteSpaceBefore + text))
                whiteSpaceBefore = ""
                state.newLine = false
            }
            if atEnd { break }
            var setNewLine = false
            let tagOrigin = origin
            func flushWhiteSpace() {
                if !whiteSpaceBefore.isEmpty {
                    nodes.append(.text(whiteSpaceBefore))
                    whiteSpaceBefore = ""
                }
            }
            switch current {
            case "#", "^":
                let inverted = current == "^"
                position += 1
                let name = try parseName()
                if isStandalone(state) { setNewLine = true } else { flushWhiteSpace() }
                let body = try parse(state.inSection(name, newLine: setNewLine))
                nodes.append(.section(Name(text: name, at: tagOrigin), inverted: inverted, body: body))
            case "/":
                position += 1
                let name = try parseName()
                guard name == state.sectionName else { throw fail("{{/\(name)}} closes {{\(state.sectionName ?? "nothing")}}") }
                if !isStandalone(state) { flushWhiteSpace() }
                return nodes
            case "!":
                position += 1
                while !atEnd && !read("}}") { position += 1 }
                setNewLine = isStandalone(state)
            case "{":
                flushWhiteSpace()
                position += 1
                let name = try parseName()
                guard read("}") else { throw fail("{{{\(name)}} lacks its third brace") }
                nodes.append(.variable(Name(text: name, at: tagOrigin), escaped: false))
            case "&":
                flushWhiteSpace()
                position += 1
                nodes.append(.variable(Name(text: try parseName(), at: tagOrigin), escaped: false))
            case ">":
                position += 1
                let name = try parsePartialName()
                if !whiteSpaceBefore.isEmpty { nodes.append(.text(whiteSpaceBefore)) }
                if isStandalone(state) {
                    setNewLine = true
                    nodes.append(.partial(name, indentation: whiteSpaceBefore, at: tagOrigin))
                } else {
                    nodes.append(.partial(name, indentation: nil, at: tagOrigin))
                }
                whiteSpaceBefore = ""
            case "<":
                position += 1
                let name = try parsePartialName()
                if !whiteSpaceBefore.isEmpty { nodes.append(.text(whiteSpaceBefore)) }
                if isStandalone(state) { setNewLine = true }
                var blocks: [String: [Node]] = [:]
                for node in try parse(state.inInheritance(name)) {
                    switch node {
                    case .block(let block, let body, _, _): blocks[block] = body
                    case .text: break
                    default: throw TemplateSyntaxError(at: tagOrigin, message: "only {{$block}} sections may stand inside {{<\(name)}}")
                    }
                }
                nodes.append(.inherit(name, blocks: blocks, indentation: whiteSpaceBefore, at: tagOrigin))
                whiteSpaceBefore = ""
            case "$":
                position += 1
                let name = try parseName()
                if state.isPartialDefinitionTopLevel {
                    if isStandalone(state) { setNewLine = true }
                    let body = try parse(state.inSection(name, newLine: setNewLine))
                    nodes.append(.block(name, body: body, indentation: "", at: tagOrigin))
                } else {
                    if !whiteSpaceBefore.isEmpty { nodes.append(.text(whiteSpaceBefore)) }
                    if isStandalone(state) { setNewLine = true }
                    let body = try parse(state.inSection(name, newLine: setNewLine))
                    nodes.append(.block(name, body: body, indentation: whiteSpaceBefore, at: tagOrigin))
                    whiteSpaceBefore = ""
                }
            case "%":
                position += 1
                read { $0.isWhitespace }
                let variable = read { $0.isLetter || $0 == "_" }
                read { $0.isWhitespace }
                guard variable == "CONTENT_TYPE", read(":") else { throw fail("the only pragma is {{% CONTENT_TYPE: HTML|TEXT}}") }
                read { $0.isWhitespace }
                let value = read { $0.isLetter }
                read { $0.isWhitespace }
                guard read("}}"), value == "HTML" || value == "TEXT" else { throw fail("CONTENT_TYPE is HTML or TEXT") }
                nodes.append(.contentType(value, at: tagOrigin))
                setNewLine = isStandalone(state)
            case "=":
                throw fail("changing delimiters is not supported")
            default:
                flushWhiteSpace()
                nodes.append(.variable(Name(text: try parseName(), at: tagOrigin), escaped: true))
            }
            state.newLine = setNewLine
        }
        if let open = state.sectionName { throw fail("{{#\(open)}} is never closed") }
        return nodes
    }

    /// Text up to the next `{{` (consumed) or newline (not consumed).
    private mutating func readUntilTagOrNewline() -> String {
        var text = ""
        while !atEnd {
            text += read { !$0.isNewline && $0 != "{" }
            if atEnd || current.isNewline { break }
            if read("{{") { break }
            text.append(current)
            position += 1
        }
        return text
    }

    private static let nameCharacters = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*")

    private mutating func parseName() throws -> String {
        read { $0.isWhitespace }
        let name = read { Self.nameCharacters.contains($0) }
        read { $0.isWhitespace }
        guard read("}}") else {
            throw fail("a tag's name is letters, digits, `_`, `-` and `.`; found `\(atEnd ? "end" : String(current))`")
        }
        return name
    }

    private mutating func parsePartialName() throws -> String {
        read { $0.isWhitespace }
        let name = read { Self.nameCharacters.contains($0) || $0 == "/" }
        read { $0.isWhitespace }
        guard read("}}") else { throw fail("unfinished partial name") }
        return name
    }

    /// A tag alone on its line (only spaces or tabs around it): the rest of the line,
    /// newline included, is consumed.
    private mutating func isStandalone(_ state: State) -> Bool {
        guard state.newLine else { return false }
        if atEnd { return true }
        var probe = position
        while probe < chars.count && (chars[probe] == " " || chars[probe] == "\t") { probe += 1 }
        if probe < chars.count && chars[probe].isNewline {
            position = probe + 1
            return true
        }
        return false
    }
}
