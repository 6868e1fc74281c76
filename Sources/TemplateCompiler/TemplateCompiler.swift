// The build-time template compiler: `Templates/**/*.mustache` + the model declarations
// of the Rendering target + `Strings/*.json` → one Swift file with a render function per
// template that names its model, and the catalog's typed keys. Run by the
// CompileTemplates build-tool plugin; see CodeGenerator for how names resolve.
//
//   TemplateCompiler --templates DIR --strings DIR --output FILE [--catalog-keys] MODEL.swift…
//
// With --catalog-keys (the Rendering target) it writes the catalog's keys and checks every
// language against English; otherwise it compiles each template whose model type the
// given files declare (pages in Web, mails in Mail), so a model's memberwise
// initializer stays internal to the target that builds it.
import Foundation

@main
struct TemplateCompilerCommand {
    static func main() {

        func die(_ messages: [String]) -> Never {
            for message in messages { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            exit(1)
        }

        var arguments = Array(CommandLine.arguments.dropFirst())
        func option(_ name: String) -> String {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else {
                die(["TemplateCompiler: \(name) is required"])
            }
            let value = arguments[index + 1]
            arguments.removeSubrange(index...index + 1)
            return value
        }
        let templatesDirectory = URL(fileURLWithPath: option("--templates")).standardizedFileURL
        let stringsDirectory = URL(fileURLWithPath: option("--strings")).standardizedFileURL
        let outputFile = URL(fileURLWithPath: option("--output"))
        let catalogKeysOnly = arguments.contains("--catalog-keys")
        let modelFiles = arguments.filter { $0 != "--catalog-keys" }

        var errors: [String] = []

        // Templates, by their path without `.mustache`.
        var templates: [String: [Node]] = [:]
        var roots: [(name: String, type: TypeRef, file: String)] = []
        let walker = catalogKeysOnly ? nil : FileManager.default.enumerator(atPath: templatesDirectory.path)
        while let relative = walker?.nextObject() as? String {
            guard relative.hasSuffix(".mustache") else { continue }
            let file = templatesDirectory.appendingPathComponent(relative).path
            let name = String(relative.dropLast(".mustache".count))
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                errors.append("\(file):1: error: cannot read")
                continue
            }
            do {
                templates[name] = try MustacheParser.parse(text, file: file)
            } catch {
                errors.append("\(error)")
            }
            if text.hasPrefix("{{! model:"), let end = text.range(of: "}}") {
                let spelled = text[text.index(text.startIndex, offsetBy: "{{! model:".count)..<end.lowerBound]
                if let type = TypeRef.parse(String(spelled)) {
                    roots.append((name, type, file))
                } else {
                    errors.append("\(file):1: error: `\(spelled)` is not a type")
                }
            }
        }
        roots.sort { $0.name < $1.name }

        // Models.
        var scanner = ModelScanner()
        for file in modelFiles.sorted() {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { die(["\(file):1: error: cannot read"]) }
            scanner.scan(text, file: file)
        }

        // Catalogs: English names the keys; every other language must have exactly those.
        func catalog(_ code: String) -> [String: String] {
            let file = stringsDirectory.appendingPathComponent(code + ".json")
            guard let data = try? Data(contentsOf: file),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: String]
            else {
                die(["\(file.path):1: error: not a JSON object of strings"])
            }
            return object
        }
        let english = catalog("en")
        let catalogKeys = english.keys.sorted()
        let languages =
            !catalogKeysOnly
            ? []
            : ((try? FileManager.default.contentsOfDirectory(atPath: stringsDirectory.path)) ?? [])
                .filter { $0.hasSuffix(".json") && $0 != "en.json" }.sorted()
        let pluralSuffixes = ["_zero", "_one", "_two", "_few", "_many", "_other"]
        for language in languages {
            let strings = catalog(String(language.dropLast(".json".count)))
            let path = stringsDirectory.appendingPathComponent(language).path
            let missing = catalogKeys.filter { strings[$0] == nil }
            // Plural forms a language has and English does not (Polish `_few`, `_many`) are fine.
            let unknown = strings.keys.filter { key in
                guard english[key] == nil else { return false }
                guard let suffix = pluralSuffixes.first(where: { key.hasSuffix($0) }) else { return true }
                let base = String(key.dropLast(suffix.count))
                return !english.keys.contains { $0.hasPrefix(base + "_") }
            }.sorted()
            if !missing.isEmpty { errors.append("\(path):1: error: missing keys of en.json: \(missing.joined(separator: ", "))") }
            if !unknown.isEmpty { errors.append("\(path):1: error: keys that en.json does not have: \(unknown.joined(separator: ", "))") }
        }
        for key in catalogKeys where !key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) || key.first!.isNumber {
            errors.append("\(stringsDirectory.appendingPathComponent("en.json").path):1: error: key `\(key)` is not an identifier")
        }

        /// The named types a type spells (`PageLayout<CasePage>` → PageLayout, CasePage).
        func typeNames(_ type: TypeRef) -> [String] {
            switch type {
            case .named(let name, let arguments): [name] + arguments.flatMap(typeNames)
            case .optional(let wrapped): typeNames(wrapped)
            case .array(let element): typeNames(element)
            }
        }

        var generator = CodeGenerator(templates: templates, models: scanner, catalogKeys: catalogKeys)
        var functions: [String] = []
        var compiled: [String] = []
        for root in roots {
            let names = typeNames(root.type)
            let declaredHere = names.filter { scanner.types[$0] != nil }
            if declaredHere.isEmpty { continue }  // another target's template
            if declaredHere.count < names.count {
                errors.append(
                    "\(root.file):1: error: \(root.type): \(names.filter { scanner.types[$0] == nil }.joined(separator: ", ")) not declared beside \(declaredHere.joined(separator: ", "))"
                )
                continue
            }
            functions.append(generator.function(template: root.name, root: root.type, file: root.file))
            compiled.append(root.name)
        }
        errors += generator.errors.map(\.description)
        if !errors.isEmpty { die(errors) }

        let templateSource = """
            /// One render function per template that names its model on its first line.
            enum Template {
                /// The templates compiled into this target.
                static let compiled: [String] = [\(compiled.map(CodeGenerator.literal).joined(separator: ", "))]

            \(functions.joined(separator: "\n\n"))
            }

            """

        // The stems of plural keys (`days_left` of `days_left_one`, `days_left_other`), as
        // the catalog groups them: list lines ask for plural forms by these without hashing.
        let pluralStems = Set(
            catalogKeys.compactMap { key in pluralSuffixes.first(where: key.hasSuffix).map { String(key.dropLast($0.count)) } }
        ).sorted()
        let catalogSource = """
            /// Every key of the string catalogs, checked against each language's file at build time.
            public enum CatalogKey: Int, CaseIterable, Sendable {
            \(catalogKeys.enumerated().map { "    case \(CodeGenerator.identifier($0.element)) = \($0.offset)" }.joined(separator: "\n"))

                /// The key as written in `Strings/*.json`.
                public static let names: [String] = [
            \(catalogKeys.map { "        \(CodeGenerator.literal($0))," }.joined(separator: "\n"))
                ]

                /// The key of a name composed at run time (`state_` + a state), looked up once.
                public static func named(_ name: String) -> CatalogKey? { byName[name] }

                private static let byName: [String: CatalogKey] = Dictionary(
                    uniqueKeysWithValues: names.enumerated().map { ($0.element, CatalogKey(rawValue: $0.offset)!) })
            }

            /// The plural keys of the catalogs by their stem (`days_left` for `days_left_one`…).
            public enum PluralKey: Int, CaseIterable, Sendable {
            \(pluralStems.enumerated().map { "    case \(CodeGenerator.identifier($0.element)) = \($0.offset)" }.joined(separator: "\n"))

                /// The stem as written in `Strings/*.json`.
                public static let names: [String] = [
            \(pluralStems.map { "        \(CodeGenerator.literal($0))," }.joined(separator: "\n"))
                ]

                public var name: String { Self.names[rawValue] }
            }

            """

        let source = """
            // Generated at build time by TemplateCompiler from Templates/ and Strings/. Do not edit.
            \(scanner.imports.sorted().map { "import " + $0 }.joined(separator: "\n"))

            \(catalogKeysOnly ? catalogSource : templateSource)
            """
        if (try? String(contentsOf: outputFile, encoding: .utf8)) != source {
            do {
                try source.write(to: outputFile, atomically: true, encoding: .utf8)
            } catch {
                die(["TemplateCompiler: cannot write \(outputFile.path): \(error)"])
            }
        }
    }
}

#if FUZZING
    /// `make fuzz` builds every target with libFuzzer's runtime, this build tool too (SwiftPM
    /// passes -Xswiftc flags to build tools), and the runtime's archive asks for this
    /// symbol. The compiler's own entry point still runs; this is never called.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzerInputUnused(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { 0 }
#endif
