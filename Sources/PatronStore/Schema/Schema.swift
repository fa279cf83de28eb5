/// The schema, as ordered migrations. Portable SQL: times are BIGINT epoch milliseconds, JSON is TEXT,
/// money is BIGINT minor units, so both engines share every query. `{ID}` is the one dialect-specific
/// piece: an auto-incrementing 64-bit primary key.
enum Schema {
    static let migrations: [(version: Int64, name: String, statements: [String])] = [
        (1, "store data model", storeDataModel),
        (2, "customer analytics", customerAnalytics),
        (3, "job queue", jobQueue),
        (4, "messaging", messaging),
        (5, "recommendations", recommendations),
        (6, "dashboard", dashboard),
        (7, "message engagement", messageEngagement),
    ]

    static let storeDataModel: [String] = [
        """
        CREATE TABLE stores (
            id {ID}, name TEXT NOT NULL, webhook_secret TEXT NOT NULL, created_at BIGINT NOT NULL)
        """,
        """
        CREATE TABLE api_keys (
            id {ID}, store_id BIGINT NOT NULL REFERENCES stores(id), kind TEXT NOT NULL,
            key_hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT)
        """,
        "CREATE INDEX api_keys_store ON api_keys (store_id)",
        """
        CREATE TABLE customers (
            id {ID}, store_id BIGINT NOT NULL REFERENCES stores(id), external_id TEXT, email TEXT, email_key TEXT,
            phone TEXT, first_name TEXT, last_name TEXT, country TEXT, time_zone TEXT, birthday TEXT,
            tags TEXT NOT NULL DEFAULT '[]', properties TEXT NOT NULL DEFAULT '{}',
            created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, source_updated_at BIGINT,
            UNIQUE (store_id, external_id))
        """,
        "CREATE INDEX customers_email ON customers (store_id, email_key)",
        """
        CREATE TABLE customer_aliases (
            store_id BIGINT NOT NULL, anonymous_id TEXT NOT NULL, customer_id BIGINT NOT NULL,
            created_at BIGINT NOT NULL, PRIMARY KEY (store_id, anonymous_id))
        """,
        "CREATE INDEX customer_aliases_customer ON customer_aliases (customer_id)",
        """
        CREATE TABLE consents (
            id {ID}, store_id BIGINT NOT NULL, customer_id BIGINT NOT NULL, channel TEXT NOT NULL,
            state TEXT NOT NULL, source TEXT NOT NULL, recorded_at BIGINT NOT NULL)
        """,
        "CREATE INDEX consents_customer ON consents (customer_id, channel, recorded_at)",
        """
        CREATE TABLE products (
            id {ID}, store_id BIGINT NOT NULL REFERENCES stores(id), external_id TEXT NOT NULL, title TEXT,
            description TEXT, category TEXT, product_type TEXT, vendor TEXT, url TEXT, image_url TEXT,
            status TEXT NOT NULL DEFAULT 'active', tags TEXT NOT NULL DEFAULT '[]', currency TEXT,
            created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, source_updated_at BIGINT,
            UNIQUE (store_id, external_id))
        """,
        """
        CREATE TABLE variants (
            id {ID}, store_id BIGINT NOT NULL, product_id BIGINT NOT NULL REFERENCES products(id),
            external_id TEXT NOT NULL, sku TEXT, title TEXT, options TEXT NOT NULL DEFAULT '{}', price BIGINT,
            compare_at_price BIGINT, stock BIGINT, image_url TEXT, position BIGINT NOT NULL,
            updated_at BIGINT NOT NULL, UNIQUE (store_id, external_id))
        """,
        "CREATE INDEX variants_product ON variants (product_id)",
        """
        CREATE TABLE orders (
            id {ID}, store_id BIGINT NOT NULL REFERENCES stores(id), external_id TEXT NOT NULL, number TEXT,
            customer_id BIGINT, email TEXT, currency TEXT NOT NULL, placed_at BIGINT NOT NULL,
            financial_status TEXT NOT NULL, fulfillment_status TEXT NOT NULL, cancelled_at BIGINT,
            cancel_reason TEXT, subtotal BIGINT NOT NULL, discount_total BIGINT NOT NULL,
            shipping_total BIGINT NOT NULL, tax_total BIGINT NOT NULL, total BIGINT NOT NULL,
            discount_codes TEXT NOT NULL DEFAULT '[]', shipping_address TEXT, source_name TEXT,
            tags TEXT NOT NULL DEFAULT '[]', is_placeholder BIGINT NOT NULL DEFAULT 0,
            created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, source_updated_at BIGINT,
            UNIQUE (store_id, external_id))
        """,
        "CREATE INDEX orders_customer ON orders (store_id, customer_id, placed_at)",
        "CREATE INDEX orders_placed ON orders (store_id, placed_at)",
        """
        CREATE TABLE order_lines (
            id {ID}, store_id BIGINT NOT NULL, order_id BIGINT NOT NULL REFERENCES orders(id),
            position BIGINT NOT NULL, external_id TEXT, product_external_id TEXT, variant_external_id TEXT,
            sku TEXT, title TEXT NOT NULL, quantity BIGINT NOT NULL, unit_price BIGINT NOT NULL,
            discount BIGINT NOT NULL, tax BIGINT NOT NULL)
        """,
        "CREATE INDEX order_lines_order ON order_lines (order_id)",
        """
        CREATE TABLE refunds (
            id {ID}, store_id BIGINT NOT NULL, external_id TEXT NOT NULL, order_external_id TEXT NOT NULL,
            created_at BIGINT NOT NULL, amount BIGINT NOT NULL, currency TEXT, reason TEXT,
            line_items TEXT NOT NULL DEFAULT '[]', received_at BIGINT NOT NULL,
            UNIQUE (store_id, external_id))
        """,
        "CREATE INDEX refunds_order ON refunds (store_id, order_external_id)",
        """
        CREATE TABLE shipments (
            id {ID}, store_id BIGINT NOT NULL, external_id TEXT NOT NULL, order_external_id TEXT,
            carrier TEXT, tracking_number TEXT, tracking_url TEXT, status TEXT, estimated_delivery_at BIGINT,
            shipped_at BIGINT, delivered_at BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
            source_updated_at BIGINT, UNIQUE (store_id, external_id))
        """,
        "CREATE INDEX shipments_order ON shipments (store_id, order_external_id)",
        """
        CREATE TABLE shipment_events (
            id {ID}, store_id BIGINT NOT NULL, shipment_id BIGINT NOT NULL REFERENCES shipments(id),
            dedupe_key TEXT NOT NULL, status TEXT NOT NULL, occurred_at BIGINT NOT NULL, message TEXT,
            location TEXT, UNIQUE (shipment_id, dedupe_key))
        """,
        """
        CREATE TABLE events (
            id {ID}, store_id BIGINT NOT NULL, customer_id BIGINT, anonymous_id TEXT, type TEXT NOT NULL,
            message_id TEXT NOT NULL, occurred_at BIGINT NOT NULL, received_at BIGINT NOT NULL,
            source TEXT NOT NULL, properties TEXT NOT NULL DEFAULT '{}', context TEXT NOT NULL DEFAULT '{}',
            product_ids TEXT NOT NULL DEFAULT '[]', UNIQUE (store_id, message_id))
        """,
        "CREATE INDEX events_customer ON events (store_id, customer_id, occurred_at)",
        "CREATE INDEX events_anonymous ON events (store_id, anonymous_id)",
        """
        CREATE TABLE idempotency_keys (
            store_id BIGINT NOT NULL, idem_key TEXT NOT NULL, request_hash TEXT NOT NULL, status_code BIGINT,
            response_body TEXT, created_at BIGINT NOT NULL, PRIMARY KEY (store_id, idem_key))
        """,
        "CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)",
        """
        CREATE TABLE webhook_receipts (
            store_id BIGINT NOT NULL, source TEXT NOT NULL, delivery_id TEXT NOT NULL, topic TEXT NOT NULL,
            received_at BIGINT NOT NULL, PRIMARY KEY (store_id, source, delivery_id))
        """,
        """
        CREATE TABLE data_requests (
            id {ID}, store_id BIGINT NOT NULL, customer_id BIGINT, source TEXT NOT NULL, request_id TEXT,
            subject TEXT NOT NULL, received_at BIGINT NOT NULL)
        """,
    ]

    /// Per-customer results of the last analytics refresh (money in minor units of the run's currency,
    /// probabilities as doubles), saved segments and their members, and the log of refresh runs.
    static let customerAnalytics: [String] = [
        """
        CREATE TABLE customer_metrics (
            store_id BIGINT NOT NULL, customer_id BIGINT NOT NULL, orders_count BIGINT NOT NULL,
            revenue BIGINT NOT NULL, first_order_at BIGINT, last_order_at BIGINT, rfm_r BIGINT, rfm_f BIGINT,
            rfm_m BIGINT, rfm_segment TEXT, p_alive DOUBLE PRECISION, expected_purchases DOUBLE PRECISION,
            expected_spend BIGINT, predicted_clv BIGINT, churn_risk DOUBLE PRECISION, churn_band TEXT,
            next_order_at BIGINT, computed_at BIGINT NOT NULL, PRIMARY KEY (store_id, customer_id))
        """,
        "CREATE INDEX customer_metrics_segment ON customer_metrics (store_id, rfm_segment)",
        "CREATE INDEX customer_metrics_clv ON customer_metrics (store_id, predicted_clv)",
        """
        CREATE TABLE segments (
            id {ID}, store_id BIGINT NOT NULL REFERENCES stores(id), name TEXT NOT NULL, description TEXT,
            rule TEXT NOT NULL, member_count BIGINT, refreshed_at BIGINT, created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL, UNIQUE (store_id, name))
        """,
        """
        CREATE TABLE segment_members (
            store_id BIGINT NOT NULL, segment_id BIGINT NOT NULL, customer_id BIGINT NOT NULL,
            entered_at BIGINT NOT NULL, PRIMARY KEY (segment_id, customer_id))
        """,
        "CREATE INDEX segment_members_customer ON segment_members (store_id, customer_id)",
        """
        CREATE TABLE analytics_runs (
            id {ID}, store_id BIGINT NOT NULL REFERENCES stores(id), reason TEXT NOT NULL, status TEXT NOT NULL,
            started_at BIGINT NOT NULL, finished_at BIGINT, event_high_water BIGINT, currency TEXT, summary TEXT,
            error TEXT)
        """,
        "CREATE INDEX analytics_runs_store ON analytics_runs (store_id, id)",
        "CREATE INDEX events_type ON events (store_id, type, id)",
        "CREATE INDEX consents_store ON consents (store_id, customer_id, channel, recorded_at)",
        "CREATE INDEX orders_updated ON orders (store_id, updated_at)",
        "CREATE INDEX customers_updated ON customers (store_id, updated_at)",
    ]

    /// Durable background work: a job waits in `queued` until `run_at`, is leased by one worker
    /// (`running` until `lease_until`), and ends `done` or, after its last attempt, `failed`. An expired
    /// lease makes a job claimable again. `dedupe_key` (unique when set) makes enqueueing idempotent.
    static let jobQueue: [String] = [
        """
        CREATE TABLE jobs (
            id {ID}, store_id BIGINT, kind TEXT NOT NULL, payload TEXT NOT NULL DEFAULT '{}', dedupe_key TEXT UNIQUE,
            status TEXT NOT NULL, run_at BIGINT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0,
            max_attempts BIGINT NOT NULL, lease_owner TEXT, lease_until BIGINT, last_error TEXT,
            created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, finished_at BIGINT)
        """,
        "CREATE INDEX jobs_queued ON jobs (status, run_at, id)",
        "CREATE INDEX jobs_leased ON jobs (status, lease_until)",
    ]

    /// Sender settings per store; flows as versioned JSON documents, switched on per store, and their
    /// runs (one per customer and trigger); the message outbox with its delivery state machine
    /// (queued -> sending -> sent | failed | suppressed); addresses never to mail again (hard bounces,
    /// complaints); topic preferences from the preference centre; the server's own secrets (link
    /// signing); and orders attributed to the message that brought them.
    static let messaging: [String] = [
        "ALTER TABLE stores ADD COLUMN from_email TEXT",
        "ALTER TABLE stores ADD COLUMN from_name TEXT",
        "ALTER TABLE stores ADD COLUMN reply_to TEXT",
        "ALTER TABLE stores ADD COLUMN smtp_url TEXT",
        "ALTER TABLE stores ADD COLUMN dkim_selector TEXT",
        "ALTER TABLE stores ADD COLUMN dkim_private_key TEXT",
        "ALTER TABLE stores ADD COLUMN branding TEXT NOT NULL DEFAULT '{}'",
        "ALTER TABLE stores ADD COLUMN outbound_webhook_secret TEXT",
        "ALTER TABLE stores ADD COLUMN messaging_settings TEXT NOT NULL DEFAULT '{}'",
        "ALTER TABLE stores ADD COLUMN sms_url TEXT",
        "ALTER TABLE stores ADD COLUMN sms_from TEXT",
        "ALTER TABLE stores ADD COLUMN whatsapp_from TEXT",
        """
        CREATE TABLE flows (
            store_id BIGINT NOT NULL REFERENCES stores(id), name TEXT NOT NULL, enabled BIGINT NOT NULL,
            current_version BIGINT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
            PRIMARY KEY (store_id, name))
        """,
        """
        CREATE TABLE flow_versions (
            store_id BIGINT NOT NULL, name TEXT NOT NULL, version BIGINT NOT NULL, definition TEXT NOT NULL,
            created_at BIGINT NOT NULL, PRIMARY KEY (store_id, name, version))
        """,
        """
        CREATE TABLE flow_runs (
            id {ID}, store_id BIGINT NOT NULL, flow TEXT NOT NULL, version BIGINT NOT NULL, customer_id BIGINT,
            trigger_key TEXT NOT NULL, status TEXT NOT NULL, step BIGINT NOT NULL, variant TEXT,
            held_out BIGINT NOT NULL DEFAULT 0, context TEXT NOT NULL DEFAULT '{}', exit_reason TEXT,
            started_at BIGINT NOT NULL, next_at BIGINT, finished_at BIGINT, UNIQUE (store_id, flow, trigger_key))
        """,
        "CREATE INDEX flow_runs_customer ON flow_runs (store_id, customer_id, status)",
        """
        CREATE TABLE messages (
            id {ID}, store_id BIGINT NOT NULL REFERENCES stores(id), customer_id BIGINT, flow TEXT, flow_run_id BIGINT,
            step BIGINT, variant TEXT, campaign_id BIGINT, template TEXT NOT NULL, channel TEXT NOT NULL,
            purpose TEXT NOT NULL, topic TEXT, context TEXT NOT NULL DEFAULT '{}', dedupe_key TEXT NOT NULL,
            message_id TEXT NOT NULL, status TEXT NOT NULL, send_at BIGINT NOT NULL, lease_owner TEXT, lease_until BIGINT,
            attempts BIGINT NOT NULL DEFAULT 0, uncertain_sends BIGINT NOT NULL DEFAULT 0, recipient TEXT, subject TEXT,
            reason TEXT, last_error TEXT, provider_response TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
            sending_at BIGINT, sent_at BIGINT, UNIQUE (store_id, dedupe_key))
        """,
        "CREATE INDEX messages_due ON messages (status, send_at, id)",
        "CREATE INDEX messages_store ON messages (store_id, id)",
        "CREATE INDEX messages_customer ON messages (store_id, customer_id, sent_at)",
        """
        CREATE TABLE suppressions (
            store_id BIGINT NOT NULL, channel TEXT NOT NULL, address TEXT NOT NULL, reason TEXT NOT NULL, source TEXT,
            created_at BIGINT NOT NULL, PRIMARY KEY (store_id, channel, address))
        """,
        """
        CREATE TABLE topic_preferences (
            store_id BIGINT NOT NULL, customer_id BIGINT NOT NULL, channel TEXT NOT NULL, topic TEXT NOT NULL,
            subscribed BIGINT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (store_id, customer_id, channel, topic))
        """,
        "CREATE TABLE server_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL, created_at BIGINT NOT NULL)",
        """
        CREATE TABLE attributions (
            store_id BIGINT NOT NULL, order_id BIGINT NOT NULL, message_id BIGINT NOT NULL, flow TEXT, campaign_id BIGINT,
            variant TEXT, touch TEXT NOT NULL, revenue BIGINT NOT NULL, currency TEXT NOT NULL, touched_at BIGINT NOT NULL,
            attributed_at BIGINT NOT NULL, PRIMARY KEY (store_id, order_id))
        """,
        "CREATE INDEX attributions_message ON attributions (store_id, message_id)",
        """
        CREATE TABLE campaigns (
            id {ID}, store_id BIGINT NOT NULL REFERENCES stores(id), name TEXT NOT NULL, segment_id BIGINT NOT NULL,
            topic TEXT NOT NULL, content TEXT NOT NULL, status TEXT NOT NULL, send_at BIGINT NOT NULL,
            per_hour BIGINT, recipients BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
            started_at BIGINT, finished_at BIGINT)
        """,
        "CREATE INDEX campaigns_store ON campaigns (store_id, id)",
        """
        CREATE TABLE content_snippets (
            store_id BIGINT NOT NULL REFERENCES stores(id), scope TEXT NOT NULL, snippet_key TEXT NOT NULL, title TEXT NOT NULL,
            body TEXT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (store_id, scope, snippet_key))
        """,
    ]

    /// The recommendation model of each store's last analytics refresh (a versioned binary format,
    /// base64 in TEXT so both engines store it alike) and the products the merchant never wants
    /// recommended.
    static let recommendations: [String] = [
        """
        CREATE TABLE recommendation_models (
            store_id BIGINT PRIMARY KEY REFERENCES stores(id), token TEXT NOT NULL, run BIGINT, built_at BIGINT NOT NULL,
            items BIGINT NOT NULL, model TEXT NOT NULL)
        """,
        """
        CREATE TABLE recommendation_exclusions (
            store_id BIGINT NOT NULL REFERENCES stores(id), product_external_id TEXT NOT NULL, created_at BIGINT NOT NULL,
            PRIMARY KEY (store_id, product_external_id))
        """,
    ]

    /// Dashboard users (one store each; the e-mail signs in, so it is unique), their sessions (only a
    /// hash of the cookie token is kept), failed sign-ins for throttling, a label for API keys made in
    /// the dashboard, and the indexes the dashboard's sorted, searched and grouped lists need.
    static let dashboard: [String] = [
        """
        CREATE TABLE dashboard_users (
            id {ID}, store_id BIGINT NOT NULL REFERENCES stores(id), email TEXT NOT NULL, email_key TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL, password_hash TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
            last_sign_in_at BIGINT)
        """,
        "CREATE INDEX dashboard_users_store ON dashboard_users (store_id)",
        """
        CREATE TABLE dashboard_sessions (
            token_hash TEXT PRIMARY KEY, user_id BIGINT NOT NULL, store_id BIGINT NOT NULL, csrf_token TEXT NOT NULL,
            created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
        """,
        "CREATE INDEX dashboard_sessions_user ON dashboard_sessions (user_id)",
        "CREATE INDEX dashboard_sessions_expiry ON dashboard_sessions (expires_at)",
        "CREATE TABLE sign_in_failures (id {ID}, subject TEXT NOT NULL, failed_at BIGINT NOT NULL)",
        "CREATE INDEX sign_in_failures_subject ON sign_in_failures (subject, failed_at)",
        "ALTER TABLE api_keys ADD COLUMN label TEXT",
        "CREATE INDEX customer_metrics_last_order ON customer_metrics (store_id, last_order_at, customer_id)",
        "CREATE INDEX customer_metrics_revenue ON customer_metrics (store_id, revenue, customer_id)",
        "CREATE INDEX customer_metrics_orders ON customer_metrics (store_id, orders_count, customer_id)",
        "CREATE INDEX customer_metrics_churn ON customer_metrics (store_id, churn_risk, customer_id)",
        "DROP INDEX customer_metrics_clv",
        "CREATE INDEX customer_metrics_clv ON customer_metrics (store_id, predicted_clv, customer_id)",
        "CREATE INDEX customers_first_name ON customers (store_id, lower(first_name))",
        "CREATE INDEX customers_last_name ON customers (store_id, lower(last_name))",
        "CREATE INDEX messages_flow ON messages (store_id, flow, created_at)",
        "CREATE INDEX messages_sent ON messages (store_id, sent_at)",
        "CREATE INDEX flow_runs_flow ON flow_runs (store_id, flow, started_at)",
    ]

    /// When each message was first opened, clicked and unsubscribed from, on the message itself, so a
    /// campaign's or flow's results are one grouped read of its messages instead of a scan of every
    /// engagement event since it began; filled from the engagement events already recorded, whose
    /// dedupe keys name the message (`email-open:ID`, `click:ID:16-hex-URL-hash`, `unsubscribe:ID`).
    /// The message log's filters get indexes in its newest-first order: by reason (also for the list of
    /// reasons), status, channel, and channel with status; otherwise a filter matching few of millions of
    /// messages walks all of them.
    static let messageEngagement: [String] = [
        "ALTER TABLE messages ADD COLUMN opened_at BIGINT",
        "ALTER TABLE messages ADD COLUMN clicked_at BIGINT",
        "ALTER TABLE messages ADD COLUMN unsubscribed_at BIGINT",
        "CREATE INDEX messages_campaign ON messages (store_id, campaign_id)",
        "CREATE INDEX messages_reason ON messages (store_id, reason, id)",
        "CREATE INDEX messages_status ON messages (store_id, status, id)",
        "CREATE INDEX messages_channel ON messages (store_id, channel, id)",
        "CREATE INDEX messages_channel_status ON messages (store_id, channel, status, id)",
        engagementBackfill(column: "opened_at", types: "'Email Opened'", keyPrefix: "email-open:"),
        engagementBackfill(column: "clicked_at", types: "'Email Clicked', 'SMS Clicked'", keyPrefix: "click:", keySuffix: 17),
        engagementBackfill(column: "unsubscribed_at", types: "'Unsubscribed'", keyPrefix: "unsubscribe:"),
    ]

    /// Sets `column` to the first event of `types` whose dedupe key is `keyPrefix`, the message id,
    /// then `keySuffix` more characters (a click's `:` and URL hash).
    static func engagementBackfill(column: String, types: String, keyPrefix: String, keySuffix: Int = 0) -> String {
        let fixed = keyPrefix.count + keySuffix
        let messageID = "CAST(substr(message_id, \(keyPrefix.count + 1), length(message_id) - \(fixed)) AS BIGINT)"
        return """
            UPDATE messages SET \(column) = engaged.first_at FROM (
                SELECT store_id, \(messageID) AS message, MIN(occurred_at) AS first_at FROM events
                WHERE source = 'patron' AND type IN (\(types)) AND message_id LIKE '\(keyPrefix)%' AND length(message_id) > \(fixed)
                GROUP BY store_id, \(messageID)) AS engaged
            WHERE messages.store_id = engaged.store_id AND messages.id = engaged.message
            """
    }
}
