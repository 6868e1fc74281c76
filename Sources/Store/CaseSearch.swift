import Foundation
import GRDB
import Protection

/// A case found by search: what the Control Centre's list shows, and whose it is.
public struct CaseSearchRow: Sendable {
    public var listing: CaseListRow
    public var kind: CaseKind
    public var shopID: String
    public var shopName: String
}

/// A shop found by name (service team).
public struct ShopSearchRow: Sendable, Equatable {
    public var id: String
    public var name: String
}

/// Search by case number, order number (exact or prefix) and customer email, each on an
/// index (`cases.number`, `cases_order`, `cases_shop_order`, `cases_customer`): no query reads more rows
/// than it returns, however many protections there are. A merchant's search is held to
/// their shop's claims (inquiries never reach merchants); the service team's covers all.
public enum CaseSearch {
    static func select(index: String?) -> String {
        """
        SELECT c.id, c.number, c.kind, c.shop_id, s.name, c.order_number, c.customer_email, c.reason, c.state,
               c.amount_minor, c.currency, c.opened_at, c.merchant_due_at
        FROM cases c\(index.map { " INDEXED BY \($0)" } ?? "") JOIN shops s ON s.id = c.shop_id
        """
    }

    static func scope(_ shopID: String?) -> String { shopID == nil ? "" : " AND c.shop_id = ? AND c.kind = 'claim'" }

    static func byNumberSQL(shop: Bool) -> String { select(index: nil) + " WHERE c.number = ?" + scope(shop ? "" : nil) }

    /// Orders from `prefix` up to (not including) `prefix` followed by the last code
    /// point: a range on the index in its own order, where LIKE would scan.
    static func byOrderSQL(shop: Bool) -> String {
        select(index: shop ? "cases_shop_order" : "cases_order") + " WHERE c.order_number >= ? AND c.order_number < ?"
            + scope(shop ? "" : nil) + " ORDER BY c.order_number LIMIT ?"
    }

    static func byEmailSQL(shop: Bool) -> String {
        select(index: "cases_customer") + " WHERE c.customer_email = ?" + scope(shop ? "" : nil) + " ORDER BY c.opened_at DESC LIMIT ?"
    }

    static let shopsSQL = "SELECT id, name FROM shops WHERE name LIKE ? ESCAPE '\\' ORDER BY name LIMIT ?"

    /// At most `limit` cases for `term`; `shopID` limits them to one shop's claims.
    public static func cases(_ db: Database, _ term: SearchTerm, shopID: String?, limit: Int) throws -> [CaseSearchRow] {
        let shop: SQLValues = shopID.map { [$0] } ?? []
        func number(_ n: Int) throws -> [CaseSearchRow] {
            try fetch(db, byNumberSQL(shop: shopID != nil), [n] + shop)
        }
        func orders(_ prefix: String, limit: Int) throws -> [CaseSearchRow] {
            try fetch(db, byOrderSQL(shop: shopID != nil), [prefix, prefix + "\u{10FFFF}"] + shop + [limit])
        }
        switch term {
        case .caseNumber(let n):
            return try number(n)
        case .numberOrOrder(let n, let prefix):
            let exact = try number(n)
            let byOrder = try orders(prefix, limit: limit).filter { row in !exact.contains { $0.listing.id == row.listing.id } }
            return Array((exact + byOrder).prefix(limit))
        case .orderPrefix(let prefix):
            return try orders(prefix, limit: limit)
        case .email(let address):
            return try fetch(db, byEmailSQL(shop: shopID != nil), [address] + shop + [limit])
        }
    }

    /// Shops whose name contains `text`, ignoring case (ASCII), at most `limit`. The shops
    /// table is small (one row per certified shop), so a LIKE is fine here.
    public static func shops(_ db: Database, containing text: String, limit: Int) throws -> [ShopSearchRow] {
        var pattern = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { pattern.append("\\") }
            pattern.append(character)
        }
        return try db.mapRows(sql: shopsSQL, arguments: ["%" + pattern + "%", limit]) { row in
            ShopSearchRow(id: row.text(0), name: row.text(1))
        }
    }

    private static func fetch(_ db: Database, _ sql: String, _ arguments: SQLValues) throws -> [CaseSearchRow] {
        try db.mapRows(sql: sql, arguments: arguments) { row in
            let listing = CaseListRow(
                id: row.inlineText(0), number: row.int(1), orderNumber: row.inlineText(5), customerEmail: row.inlineText(6),
                reason: row.value(7),
                state: row.value(8) ?? .closed, value: Money(minor: row.int64(9), currency: row.currency(10) ?? .euro),
                openedAt: try row.requiredDate(11), merchantDueAt: row.date(12))
            return CaseSearchRow(listing: listing, kind: row.value(2) ?? .claim, shopID: row.text(3), shopName: row.text(4))
        }
    }
}
