import Foundation
import Testing

/// The audit log through nginx: what the shop's owner and staff change is recorded with
/// who, from where and when; admins read and filter it at /service/admin/audit, nobody
/// else finds the page; and the table refuses UPDATE and DELETE.
@Suite struct AuditTests {
    @Test func adminsReadAndFilterWhatOwnersChangedAndTheLogCannotBeChanged() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let owner = try WebhookTests.owner(world)
        try owner.get("/merchant/settings")
        #expect(try owner.post("/merchant/settings/notifications", [("emails", "cases@shop.example")]).status == 303)
        try owner.get("/merchant/settings")
        #expect(try owner.post("/merchant/settings/api-keys", [("name", "ERP")]).status == 200)
        try owner.get("/merchant/settings")
        #expect(try owner.post("/merchant/settings/colleagues", [("email", "new@shop.example")]).status == 303)
        // A refused change records nothing.
        try owner.get("/merchant/settings")
        #expect(try owner.post("/merchant/settings/api-keys", [("name", "")]).status == 422)

        // Agents without the admin flag, and merchants, find no such page.
        #expect(try world.agent().get("/service/admin/audit").status == 404)
        #expect(try owner.get("/service/admin/audit").status == 404)
        _ = try stack.run(["admin", "create-user", "--role", "agent", "--email", "admin@operator.example", "--admin"],
                          stdin: world.password + "\n")
        let admin = try world.staff("/service/login", "admin@operator.example")
        #expect(try admin.get("/service").text.contains(#"href="/service/admin/audit""#))
        let all = try admin.get("/service/admin/audit")
        #expect(all.status == 200)
        for text in ["Notification addresses changed", "API key created", "User invited", "owner@shop.example", "127.0.0.1",
                     "cases@shop.example", "new@shop.example", "ERP", "Sklep Testowy"] {
            #expect(all.text.contains(text), "\(text)")
        }
        #expect(all.text.components(separatedBy: "<tr>").count - 2 == 3, "three entries and the header")
        let keysOnly = try admin.get("/service/admin/audit?action=api_key.created")
        #expect(keysOnly.text.contains("API key created") && !keysOnly.text.contains("User invited</td>"))
        #expect(try admin.get("/service/admin/audit?actor=nobody%40shop.example").text.contains("Nothing recorded"))
        #expect(try admin.get("/service/admin/audit?shop=\(world.shopID)").text.contains("User invited"))
        // Hostile filters change nothing and break nothing.
        #expect(try admin.get("/service/admin/audit?action=%3Cscript%3E&shop=x%27--&before=abc").status == 200)

        // Append-only in the database itself.
        let script = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            for sql in ("UPDATE audit_log SET actor_email = 'someone@else'", "DELETE FROM audit_log"):
                try:
                    db.execute(sql)
                    print("allowed: " + sql)
                except sqlite3.DatabaseError as error:
                    print("refused: " + str(error))
            """
        let result = try Stack.capture(
            "/usr/bin/python3", ["-c", script, stack.data + "/bp.sqlite"], env: ProcessInfo.processInfo.environment)
        #expect(!result.stdout.contains("allowed"), "\(result.stdout)")
        #expect(result.stdout.components(separatedBy: "append-only").count == 3, "\(result.stdout)")
    }
}
