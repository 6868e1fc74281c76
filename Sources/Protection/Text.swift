extension StringProtocol {
    /// The text without leading and trailing whitespace (what a form field means).
    package var trimmedWhitespace: String {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice = slice.dropFirst() }
        while slice.last?.isWhitespace == true { slice = slice.dropLast() }
        return String(slice)
    }
}
