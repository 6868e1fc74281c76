/// A model value that writes itself into a page: an amount, a date, a label from the
/// catalog. A list row of such values reaches the page without a String for each field
/// (formatting fifty rows into Strings, then escaping them, was a large part of a list
/// page). The template compiler writes `{{value}}` of a type that declares this
/// conformance (in the target whose models it reads) as `value.write(into:html:)`.
public protocol TemplateText {
    /// Writes the value; `html` when the place is an escaped tag of an HTML template.
    func write(into out: inout TemplateOutput, html: Bool)
    /// The value as plain text (mail composed as strings, the reference renderer).
    var text: String { get }
}
