import GRDB

/// The schema, as a list of migrations that only ever grows: a populated database is
/// upgraded in place, keeping every row. Times are UTC; money is integer minor units
/// with an ISO 4217 code beside it.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: v1)
        migrator.registerMigration("v2-outbox-notices", migrate: v2)
        migrator.registerMigration("v3-drop-cases-shop-state", migrate: v3)
        migrator.registerMigration("v4-counters", migrate: v4)
        migrator.registerMigration("v5-cases-order-number", migrate: v5)
        migrator.registerMigration("v6-cases-shop-list-covering", migrate: v6)
        migrator.registerMigration("v7-cases-order-search", migrate: v7)
        migrator.registerMigration("v8-event-chain", migrate: v8)
        migrator.registerMigration("v9-session-devices", migrate: v9)
        migrator.registerMigration("v10-password-resets", migrate: v10)
        migrator.registerMigration("v11-disputes-in-depth", migrate: v11)
        migrator.registerMigration("v12-worker-pass-duration", migrate: v12)
        migrator.registerMigration("v13-webhooks", migrate: v13)
        migrator.registerMigration("v14-api-keys", migrate: v14)
        migrator.registerMigration("v15-deactivated-users", migrate: v15)
        migrator.registerMigration("v16-audit-log", migrate: v16)
        migrator.registerMigration("v17-two-step-sign-in", migrate: v17)
        migrator.registerMigration("v18-inbound-mail", migrate: v18)
        migrator.registerMigration("v19-queue-covering", migrate: v19)
        migrator.registerMigration("v20-queue-without-joins", migrate: v20)
        return migrator
    }

    /// The review queue read from `cases_queue` alone, with no look-up per line: a case
    /// carries its shop's name (copied on insert like the order number, and again when
    /// the shop is renamed) and the nearest deadline of its open document requests (kept
    /// by triggers on `document_requests`). The shop join and the requests subquery were
    /// a third of the queue's query at 1M protections (callgrind, per 50-line page).
    /// `bp check` compares both copies with their sources (`CaseCopies`).
    private static func v20(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE cases ADD COLUMN shop_name TEXT NOT NULL DEFAULT '';
                ALTER TABLE cases ADD COLUMN documents_due_at DATETIME;
                DROP TRIGGER cases_order_number;
                DROP INDEX cases_queue;
                DROP INDEX shops_names;
                \(CaseCopies.createTriggers)
                """)
        try CaseCopies.rewrite(db)
        try db.execute(
            sql: """
                CREATE INDEX cases_queue ON cases(queued_at, id, number, shop_id, kind, amount_minor, currency,
                    escalation_reason, opened_at, order_number, assigned_agent_id, proposed_by, state, shop_name, documents_due_at)
                    WHERE queued_at IS NOT NULL;
                """)
    }

    /// The review queue read from its indexes alone: every column a queue line shows or
    /// filters on is in `cases_queue`, and a shop's name is in `shops_names`, so a line
    /// costs no look-up of the case's or the shop's row (a sixth of the queue's query,
    /// measured on 1M protections).
    private static func v19(_ db: Database) throws {
        try db.execute(
            sql: """
                DROP INDEX cases_queue;
                CREATE INDEX cases_queue ON cases(queued_at, id, number, shop_id, kind, amount_minor, currency,
                    escalation_reason, opened_at, order_number, assigned_agent_id, proposed_by, state)
                    WHERE queued_at IS NOT NULL;
                CREATE INDEX shops_names ON shops(id, name);
                """)
    }

    /// Replies that came in by email (`bp mail-in`): one row per message, keyed by its
    /// Message-ID so the same message twice is handled once, with what became of it; the
    /// ones the service team must look at (unverified senders, nowhere to post) are read
    /// by the queue. Our answers to replies are counted per address for the loop guard.
    private static func v18(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE inbound_mail (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    message_key TEXT NOT NULL UNIQUE,
                    received_at DATETIME NOT NULL,
                    sender TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    case_id TEXT,
                    protection_id TEXT,
                    party TEXT,
                    outcome TEXT NOT NULL CHECK (outcome IN
                        ('posted', 'kept', 'inquiry', 'unverified', 'unroutable', 'auto_reply', 'bounce')),
                    text TEXT NOT NULL DEFAULT '',
                    reviewed_at DATETIME
                );
                CREATE INDEX inbound_mail_to_review ON inbound_mail(id) WHERE outcome IN ('unverified', 'unroutable') AND reviewed_at IS NULL;
                CREATE INDEX outbox_reply_answers ON outbox(to_address, created_at) WHERE kind = 'reply_kept';
                """)
    }

    /// Two-step sign-in: a user's TOTP secret (sealed with the installation key, so a copy
    /// of the database alone cannot make codes), the last step a code was accepted for (a
    /// code counts once), their recovery codes (hashed) and the sign-ins waiting for the
    /// second step after a right password.
    private static func v17(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE totp_credentials (
                    user_id TEXT PRIMARY KEY REFERENCES users(id),
                    sealed_secret BLOB NOT NULL,
                    created_at DATETIME NOT NULL,
                    enabled_at DATETIME,
                    last_step INTEGER NOT NULL DEFAULT 0
                ) WITHOUT ROWID;
                CREATE TABLE recovery_codes (
                    user_id TEXT NOT NULL REFERENCES users(id),
                    code_hash TEXT NOT NULL,
                    used_at DATETIME,
                    PRIMARY KEY (user_id, code_hash)
                ) WITHOUT ROWID;
                CREATE TABLE sign_in_challenges (
                    id_hash TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES users(id),
                    device TEXT,
                    expires_at DATETIME NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX sign_in_challenges_user ON sign_in_challenges(user_id);
                """)
    }

    /// The audit log of administrative actions (who, what, when, from where), append-only
    /// like the case events; its indexes serve the admins' filters newest first.
    private static func v16(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at DATETIME NOT NULL,
                    actor_id TEXT,
                    actor_email TEXT NOT NULL,
                    client TEXT NOT NULL,
                    action TEXT NOT NULL,
                    shop_id TEXT,
                    target TEXT NOT NULL,
                    details TEXT NOT NULL DEFAULT ''
                );
                CREATE INDEX audit_log_action ON audit_log(action, id);
                CREATE INDEX audit_log_actor ON audit_log(actor_email, id);
                CREATE INDEX audit_log_shop ON audit_log(shop_id, id);
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
                    SELECT RAISE(ABORT, 'the audit log is append-only');
                END;
                CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
                    SELECT RAISE(ABORT, 'the audit log is append-only');
                END;
                """)
    }

    /// A deactivated user keeps their row (their name stays on the timelines they are on)
    /// but can no longer sign in, ask for a password link or use a session.
    private static func v15(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE users ADD COLUMN deactivated_at DATETIME")
    }

    /// A shop may have several named API keys, each revocable on its own. The key a shop
    /// was created with becomes its first ("First key"), here for existing shops and by
    /// the trigger for every new one (bp admin, the demo, bp seed), so no way of making a
    /// shop can leave it without a key. `shops.api_key_hash` stays for older backups but
    /// no longer authenticates.
    private static func v14(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE api_keys (
                    id TEXT PRIMARY KEY,
                    shop_id TEXT NOT NULL REFERENCES shops(id),
                    name TEXT NOT NULL,
                    key_hash TEXT NOT NULL UNIQUE,
                    created_at DATETIME NOT NULL,
                    created_by TEXT,
                    revoked_at DATETIME
                );
                CREATE INDEX api_keys_shop ON api_keys(shop_id, created_at);
                INSERT INTO api_keys (id, shop_id, name, key_hash, created_at)
                    SELECT lower(hex(randomblob(16))), id, 'First key', api_key_hash, created_at FROM shops;
                CREATE TRIGGER shops_first_api_key AFTER INSERT ON shops BEGIN
                    INSERT INTO api_keys (id, shop_id, name, key_hash, created_at)
                    VALUES (lower(hex(randomblob(16))), NEW.id, 'First key', NEW.api_key_hash, NEW.created_at);
                END;
                """)
    }

    /// Signed webhooks to shops: the endpoints a shop's owner registers, and one delivery
    /// row per event and endpoint, written in the transaction of the change (the outbox of
    /// HTTP). Deliveries of one endpoint go out in `seq` order: the worker only ever tries
    /// an endpoint's oldest undelivered one, found through the partial index. `owner` marks
    /// the merchants who manage their shop's settings, `admin` the agents who administer.
    private static func v13(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE users ADD COLUMN owner INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE users ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;

                CREATE TABLE webhook_endpoints (
                    id TEXT PRIMARY KEY,
                    shop_id TEXT NOT NULL REFERENCES shops(id),
                    url TEXT NOT NULL,
                    events TEXT NOT NULL,
                    secret TEXT NOT NULL,
                    previous_secret TEXT,
                    previous_secret_until DATETIME,
                    created_at DATETIME NOT NULL,
                    created_by TEXT,
                    deleted_at DATETIME
                );
                CREATE INDEX webhook_endpoints_shop ON webhook_endpoints(shop_id) WHERE deleted_at IS NULL;

                CREATE TABLE webhook_deliveries (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id),
                    event_id TEXT NOT NULL,
                    event_type TEXT NOT NULL,
                    body TEXT NOT NULL,
                    created_at DATETIME NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'delivered', 'failed')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at DATETIME NOT NULL,
                    last_attempt_at DATETIME,
                    last_status INTEGER,
                    last_duration_ms INTEGER,
                    last_error TEXT,
                    delivered_at DATETIME
                );
                CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, seq);
                CREATE INDEX webhook_deliveries_waiting ON webhook_deliveries(endpoint_id, seq) WHERE state IN ('pending', 'sending');
                """)
    }

    /// The worker records how long its last pass took, for `/metrics`.
    private static func v12(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE worker_passes ADD COLUMN duration_seconds REAL")
    }

    /// Returns with a paused clock, appeals, four-eyes payouts and business-day deadlines.
    /// The new deadlines are found by the sweeper through partial indexes, like the others;
    /// payouts awaiting approval through their own for the queue's filter.
    private static func v11(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE cases ADD COLUMN return_carrier TEXT;
                ALTER TABLE cases ADD COLUMN return_tracking TEXT;
                ALTER TABLE cases ADD COLUMN return_sent_at DATETIME;
                ALTER TABLE cases ADD COLUMN return_due_at DATETIME;
                ALTER TABLE cases ADD COLUMN goods_received_at DATETIME;
                ALTER TABLE cases ADD COLUMN refund_due_at DATETIME;
                ALTER TABLE cases ADD COLUMN customer_time_left REAL;
                ALTER TABLE cases ADD COLUMN appeal_party TEXT;
                ALTER TABLE cases ADD COLUMN appealed_at DATETIME;
                ALTER TABLE cases ADD COLUMN appeal_excluded_agents TEXT;
                ALTER TABLE cases ADD COLUMN decided_by TEXT;
                ALTER TABLE cases ADD COLUMN proposal_amount_minor INTEGER;
                ALTER TABLE cases ADD COLUMN proposed_by TEXT;
                ALTER TABLE cases ADD COLUMN proposed_at DATETIME;
                ALTER TABLE cases ADD COLUMN proposal_text TEXT;
                CREATE INDEX cases_return_due ON cases(return_due_at) WHERE return_due_at IS NOT NULL;
                CREATE INDEX cases_refund_due ON cases(refund_due_at) WHERE refund_due_at IS NOT NULL;
                CREATE INDEX cases_awaiting_approval ON cases(queued_at) WHERE proposed_by IS NOT NULL;
                ALTER TABLE shops ADD COLUMN country TEXT;
                """)
    }

    /// Case notices are queued as what to say (`notice`, JSON) and worded when they are
    /// delivered, so a sweeper pass or a form post does not render emails inside its
    /// write transaction.
    private static func v2(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE outbox ADD COLUMN notice TEXT")
    }

    /// The shop's cases are listed, counted and escalated through `cases_shop_list`; this
    /// index only cost every state change an extra B-tree update.
    private static func v3(_ db: Database) throws {
        try db.execute(sql: "DROP INDEX IF EXISTS cases_shop_state")
    }

    /// Staff who forgot their password get a single-use link; only its hash is kept.
    private static func v10(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE password_resets (
                    token_hash TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES users(id),
                    created_at DATETIME NOT NULL,
                    expires_at DATETIME NOT NULL,
                    used_at DATETIME
                );
                CREATE INDEX password_resets_expiry ON password_resets(expires_at);
                """)
    }

    /// A session remembers the device it was started on and when it was last used, so a
    /// user can see their sessions and end the ones they do not recognise.
    private static func v9(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE sessions ADD COLUMN device TEXT")
        try db.execute(sql: "ALTER TABLE sessions ADD COLUMN last_seen_at DATETIME")
        try db.execute(sql: "CREATE INDEX sessions_user ON sessions(user_id) WHERE user_id IS NOT NULL")
    }

    /// Every event joins its case's hash chain (`EventChain`). Events written before are
    /// chained now, in their order, with the append-only trigger lifted for this one
    /// UPDATE and put back in the same transaction.
    private static func v8(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE events ADD COLUMN hash TEXT")
        try db.execute(sql: "DROP TRIGGER events_are_append_only_update")
        let update = try db.makeStatement(sql: "UPDATE events SET hash = ? WHERE id = ?")
        var previous: (caseID: String, hash: String)?
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT \(EventChain.contentColumns), (SELECT group_concat(d.sha256) FROM documents d WHERE d.event_id = e.id)
                FROM events e ORDER BY e.case_id, e.id
                """)
        var hashes: [(Int64, String)] = []
        while let row = try rows.next() {
            let caseID: String = row[1]
            let content = EventChain.content(row, documents: EventChain.documentList(row[9]))
            let hash = EventChain.link(previous: previous?.caseID == caseID ? previous?.hash : nil, content)
            hashes.append((row[0], hash))
            previous = (caseID, hash)
        }
        for (id, hash) in hashes { try update.execute(arguments: [hash, id]) }
        try db.execute(
            sql: """
                CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
                    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
                """)
    }

    /// Search by order number, exact or by its start (`CaseSearch`): a range on an index
    /// instead of a scan of every case, across shops for the service team and within one
    /// shop for its merchants (order numbers never change, so each costs an insert only).
    private static func v7(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX cases_order ON cases(order_number)")
        try db.execute(sql: "CREATE INDEX cases_shop_order ON cases(shop_id, order_number)")
    }

    /// Case counts kept by triggers instead of counted per request (`Counters`), filled
    /// from the cases there are.
    private static func v4(_ db: Database) throws {
        try db.execute(sql: Counters.createTable)
        try db.execute(sql: Counters.createTriggers)
        try Counters.rewrite(db)
    }

    /// A case carries its order number (a fact that never changes), so the Control
    /// Centre's list, the shop API and the review queue read their page without looking
    /// up a protection per row (perf: half of the list query's B-tree work at 1M
    /// protections). A trigger copies it on insert, so no writer can forget it.
    private static func v5(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE cases ADD COLUMN order_number TEXT NOT NULL DEFAULT '';
                UPDATE cases SET order_number = (SELECT order_number FROM protections WHERE id = cases.protection_id);
                CREATE TRIGGER cases_order_number AFTER INSERT ON cases BEGIN
                    UPDATE cases SET order_number = (SELECT order_number FROM protections WHERE id = NEW.protection_id)
                    WHERE rowid = NEW.rowid;
                END;
                """)
    }

    /// The Control Centre's list and the shop API's case list read everything they show
    /// from `cases_shop_list` itself: at 100,000 cases the rows of a page lie on as many
    /// table pages, and looking each one up was what made the list slower at 1M than at 1k.
    private static func v6(_ db: Database) throws {
        try db.execute(
            sql: """
                DROP INDEX cases_shop_list;
                CREATE INDEX cases_shop_list ON cases(shop_id, list_rank, list_key, id, number, order_number, customer_email, reason,
                    state, amount_minor, currency, opened_at, merchant_due_at, protection_id, customer_due_at, closure, kind)
                    WHERE kind = 'claim';
                """)
    }

    private static func v1(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE shops (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    notification_emails TEXT NOT NULL,
                    currency TEXT NOT NULL,
                    coverage_limit_minor INTEGER NOT NULL,
                    locale TEXT NOT NULL,
                    api_key_hash TEXT NOT NULL UNIQUE,
                    insolvent_at DATETIME,
                    created_at DATETIME NOT NULL
                );

                CREATE TABLE users (
                    id TEXT PRIMARY KEY,
                    role TEXT NOT NULL CHECK (role IN ('merchant', 'agent')),
                    shop_id TEXT REFERENCES shops(id),
                    email TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    locale TEXT NOT NULL DEFAULT 'en',
                    created_at DATETIME NOT NULL,
                    UNIQUE (role, email),
                    CHECK ((role = 'merchant') = (shop_id IS NOT NULL))
                );
                CREATE INDEX users_shop ON users(shop_id);

                CREATE TABLE sessions (
                    id_hash TEXT PRIMARY KEY,
                    role TEXT NOT NULL CHECK (role IN ('customer', 'merchant', 'agent')),
                    user_id TEXT REFERENCES users(id),
                    customer_email TEXT,
                    created_at DATETIME NOT NULL,
                    expires_at DATETIME NOT NULL
                );
                CREATE INDEX sessions_expiry ON sessions(expires_at);

                CREATE TABLE login_tokens (
                    token_hash TEXT PRIMARY KEY,
                    email TEXT NOT NULL,
                    reusable INTEGER NOT NULL DEFAULT 0,
                    created_at DATETIME NOT NULL,
                    expires_at DATETIME NOT NULL,
                    used_at DATETIME
                );
                CREATE INDEX login_tokens_expiry ON login_tokens(expires_at);

                CREATE TABLE sign_in_failures (
                    id INTEGER PRIMARY KEY,
                    account TEXT NOT NULL,
                    client TEXT NOT NULL,
                    at DATETIME NOT NULL
                );
                CREATE INDEX sign_in_failures_account ON sign_in_failures(account, at);
                CREATE INDEX sign_in_failures_client ON sign_in_failures(client, at);

                CREATE TABLE protections (
                    id TEXT PRIMARY KEY,
                    shop_id TEXT NOT NULL REFERENCES shops(id),
                    order_number TEXT NOT NULL,
                    order_date DATETIME NOT NULL,
                    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
                    currency TEXT NOT NULL,
                    customer_email TEXT NOT NULL,
                    locale TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('active', 'completed', 'expired', 'claimed')),
                    activated_at DATETIME NOT NULL,
                    expires_at DATETIME NOT NULL,
                    reminder_at DATETIME NOT NULL,
                    reminder_sent_at DATETIME,
                    ended_at DATETIME,
                    UNIQUE (shop_id, order_number)
                );
                CREATE INDEX protections_customer ON protections(customer_email, activated_at);
                CREATE INDEX protections_shop_state ON protections(shop_id, state);
                CREATE INDEX protections_expiry_due ON protections(expires_at) WHERE state = 'active';
                CREATE INDEX protections_reminder_due ON protections(reminder_at)
                    WHERE state = 'active' AND reminder_sent_at IS NULL;

                CREATE TABLE cases (
                    id TEXT PRIMARY KEY,
                    number INTEGER NOT NULL UNIQUE,
                    kind TEXT NOT NULL CHECK (kind IN ('claim', 'inquiry')),
                    protection_id TEXT NOT NULL REFERENCES protections(id),
                    shop_id TEXT NOT NULL REFERENCES shops(id),
                    customer_email TEXT NOT NULL,
                    reason TEXT,
                    state TEXT NOT NULL,
                    amount_minor INTEGER NOT NULL,
                    currency TEXT NOT NULL,
                    opened_at DATETIME NOT NULL,
                    merchant_due_at DATETIME,
                    customer_due_at DATETIME,
                    merchant_reminded_at DATETIME,
                    customer_reminded_at DATETIME,
                    refund TEXT,
                    refund_amount_minor INTEGER,
                    variant TEXT,
                    replied_at DATETIME,
                    escalation_reason TEXT,
                    escalated_at DATETIME,
                    closure TEXT,
                    closed_at DATETIME,
                    outcome TEXT,
                    decision_amount_minor INTEGER,
                    assigned_agent_id TEXT REFERENCES users(id),
                    queued_at DATETIME,
                    list_rank INTEGER NOT NULL,
                    list_key INTEGER NOT NULL,
                    updated_at DATETIME NOT NULL
                );
                CREATE UNIQUE INDEX cases_one_claim_per_protection ON cases(protection_id) WHERE kind = 'claim';
                CREATE INDEX cases_protection ON cases(protection_id);
                CREATE INDEX cases_customer ON cases(customer_email);
                CREATE INDEX cases_shop_state ON cases(shop_id, state, merchant_due_at);
                CREATE INDEX cases_shop_list ON cases(shop_id, list_rank, list_key) WHERE kind = 'claim';
                CREATE INDEX cases_queue ON cases(queued_at) WHERE queued_at IS NOT NULL;
                CREATE INDEX cases_merchant_due ON cases(merchant_due_at) WHERE state = 'awaiting_merchant';
                CREATE INDEX cases_customer_due ON cases(customer_due_at) WHERE state = 'awaiting_customer';
                CREATE INDEX cases_state ON cases(state, escalation_reason);
                CREATE INDEX cases_opened ON cases(opened_at);
                CREATE INDEX cases_closed ON cases(closed_at) WHERE closed_at IS NOT NULL;
                CREATE INDEX cases_replied ON cases(replied_at) WHERE replied_at IS NOT NULL;
                CREATE INDEX cases_escalated ON cases(escalated_at) WHERE escalated_at IS NOT NULL;

                CREATE TABLE events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    case_id TEXT NOT NULL REFERENCES cases(id),
                    at DATETIME NOT NULL,
                    actor_kind TEXT NOT NULL,
                    actor_id TEXT,
                    kind TEXT NOT NULL,
                    audience INTEGER NOT NULL,
                    text TEXT,
                    data TEXT NOT NULL DEFAULT '{}'
                );
                CREATE INDEX events_case ON events(case_id, id);
                CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
                    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
                    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

                CREATE TABLE documents (
                    id TEXT PRIMARY KEY,
                    case_id TEXT NOT NULL REFERENCES cases(id),
                    event_id INTEGER NOT NULL REFERENCES events(id),
                    uploader_kind TEXT NOT NULL,
                    uploader_id TEXT,
                    name TEXT NOT NULL,
                    content_type TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    created_at DATETIME NOT NULL
                );
                CREATE INDEX documents_case ON documents(case_id);
                CREATE INDEX documents_event ON documents(event_id);
                CREATE INDEX documents_sha256 ON documents(sha256);

                CREATE TABLE document_requests (
                    id INTEGER PRIMARY KEY,
                    case_id TEXT NOT NULL REFERENCES cases(id),
                    event_id INTEGER NOT NULL REFERENCES events(id),
                    party TEXT NOT NULL CHECK (party IN ('customer', 'merchant')),
                    text TEXT NOT NULL,
                    requested_at DATETIME NOT NULL,
                    due_at DATETIME NOT NULL,
                    answered_at DATETIME,
                    expired_at DATETIME
                );
                CREATE INDEX document_requests_open ON document_requests(case_id)
                    WHERE answered_at IS NULL AND expired_at IS NULL;
                CREATE INDEX document_requests_due ON document_requests(due_at)
                    WHERE answered_at IS NULL AND expired_at IS NULL;

                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    created_at DATETIME NOT NULL,
                    kind TEXT NOT NULL,
                    case_id TEXT,
                    to_address TEXT NOT NULL,
                    locale TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    text_body TEXT NOT NULL,
                    html_body TEXT NOT NULL,
                    reply_to TEXT,
                    dedupe_key TEXT UNIQUE,
                    message_id TEXT NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at DATETIME NOT NULL,
                    last_error TEXT,
                    sent_at DATETIME
                );
                CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state IN ('pending', 'sending');
                CREATE INDEX outbox_state ON outbox(state, created_at);

                CREATE TABLE api_idempotency (
                    shop_id TEXT NOT NULL REFERENCES shops(id),
                    key TEXT NOT NULL,
                    request_hash TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    body TEXT NOT NULL,
                    created_at DATETIME NOT NULL,
                    PRIMARY KEY (shop_id, key)
                );

                CREATE TABLE worker_passes (
                    name TEXT PRIMARY KEY,
                    last_pass_at DATETIME NOT NULL
                );
                """)
    }
}
