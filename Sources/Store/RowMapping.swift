import GRDB

extension Row {
    /// Each row of the query made into a value while the statement still stands on it.
    /// A row copied out by `Row.fetchAll` finds a column by name by lowercasing every
    /// column name until one matches, so decoding a `c.*` row of thirty columns by name
    /// lowercased about 450 strings (perf: a sixth of /service/queue); a row read here
    /// looks its name up in the statement's index once.
    public static func mapAll<T>(
        _ db: Database, sql: String, arguments: StatementArguments = StatementArguments(),
        _ transform: (Row) throws -> T
    ) throws -> [T] {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        var values: [T] = []
        while let row = try rows.next() { values.append(try transform(row)) }
        return values
    }
}
