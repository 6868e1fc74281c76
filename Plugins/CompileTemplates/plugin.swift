import Foundation
import PackagePlugin

/// Compiles `Templates/**/*.mustache` into Swift before the target that declares the
/// page and mail models builds. Every template, catalog and model file is an input, so
/// editing any of them regenerates the code (and a name a model cannot answer fails
/// the build, pointing at the template's line).
@main
struct CompileTemplates: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let root = context.package.directoryURL
        let templates = root.appending(path: "Templates")
        let strings = root.appending(path: "Strings")
        let templateFiles = Self.files(in: templates, suffix: ".mustache")
        let stringFiles = Self.files(in: strings, suffix: ".json")
        let models = target.sourceFiles(withSuffix: "swift").map(\.url)
        let output = context.pluginWorkDirectoryURL.appending(path: "CompiledTemplates.swift")
        // Rendering owns the catalog's keys; the targets with page and mail models get
        // the templates whose models they declare.
        let mode = target.name == "Rendering" ? ["--catalog-keys"] : []
        return [
            .buildCommand(
                displayName: "Compiling templates into Swift",
                executable: try context.tool(named: "TemplateCompiler").url,
                arguments: ["--templates", templates.path, "--strings", strings.path, "--output", output.path] + mode + models.map(\.path),
                inputFiles: templateFiles + stringFiles + models,
                outputFiles: [output])
        ]
    }

    static func files(in directory: URL, suffix: String) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.path.hasSuffix(suffix) }.sorted { $0.path < $1.path }
    }
}
