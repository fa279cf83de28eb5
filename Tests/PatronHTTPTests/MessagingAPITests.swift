import Foundation
import HTTPTypes
import HummingbirdTesting
import PatronCore
import PatronEngine
import PatronMessaging
import PatronStore
import Testing

@Suite("Messaging: flows, links, attribution and campaigns through the API")
struct MessagingAPITests {
    static func order(_ id: String, customer: String = "c1", placedAt: String? = nil, email: String = "jane@example.com")
        -> String
    {
        let placedAt = placedAt ?? Timestamp.format(Date())
        return """
            {"externalId": "\(id)", "number": "#\(id)", "customer": {"externalId": "\(customer)", "email": "\(email)",
             "firstName": "Jane", "consent": {"email": {"state": "subscribed", "source": "checkout"}}},
             "currency": "EUR", "placedAt": "\(placedAt)", "lineItems": [{"title": "Kettle <b>", "quantity": 2, "unitPrice": 1450}]}
            """
    }

    static func configureSender(_ patron: PatronTestHarness) async throws {
        let response = try await patron.api(
            .patch, "/api/v1/settings/sender", json: #"{"fromEmail": "shop@acme.test", "fromName": "Acme"}"#)
        #expect(response.status == .ok, "\(response.bodyText)")
    }

    static func messages(_ patron: PatronTestHarness, _ query: String = "") async throws -> [JSONValue] {
        try await patron.list("/api/v1/messages?limit=200\(query)")
    }

    @Test func thankYouIsQueuedOncePerOrderInTheSameCommitAndOnlyForLiveNews() async throws {
        try await withPatron { patron in
            let refused = try await patron.api(.post, "/api/v1/flows/order-thank-you/enable")
            #expect(refused.status == .unprocessableContent, "no From address yet: \(refused.bodyText)")
            try await Self.configureSender(patron)
            let enabled = try await patron.api(.post, "/api/v1/flows/order-thank-you/enable")
            #expect(try enabled.json()["enabled"] == .bool(true) && enabled.json()["version"] == .int(1))

            #expect(try await patron.api(.post, "/api/v1/orders", json: Self.order("A1")).status == .created)
            #expect(try await patron.api(.post, "/api/v1/orders", json: Self.order("A1")).status.code < 300)
            let old = Timestamp.format(Date().addingTimeInterval(-10 * 86_400))
            #expect(try await patron.api(.post, "/api/v1/orders", json: Self.order("OLD", placedAt: old)).status == .created)
            let queued = try await Self.messages(patron)
            #expect(queued.count == 1, "one thank-you, none for the re-sent or the 10-day-old order: \(queued)")
            #expect(queued.first?["flow"] == "order-thank-you" && queued.first?["status"] == "queued")
            #expect(queued.first?["dedupeKey"]?.stringValue?.hasPrefix("order-thank-you:run:") == true)
            let other = try await patron.list("/api/v1/messages", as: patron.storeB)
            #expect(other.isEmpty, "store B sees nothing of store A")

            let preview = try await patron.api(.get, "/api/v1/flows/order-thank-you/preview")
            #expect(preview.status == .ok, "\(preview.bodyText)")
            let rendered = try preview.json()
            #expect(
                rendered["subject"]?.stringValue?.contains("#OLD") == true
                    || rendered["subject"]?.stringValue?.contains("#A1") == true)
            #expect(rendered["html"]?.stringValue?.contains("Kettle &lt;b&gt;") == true)
            #expect(rendered["text"]?.stringValue?.contains("2 x Kettle <b>") == true)

            let disabled = try await patron.api(.post, "/api/v1/flows/order-thank-you/disable")
            #expect(try disabled.json()["enabled"] == .bool(false))
            #expect(try await patron.api(.post, "/api/v1/orders", json: Self.order("A2")).status == .created)
            #expect(try await Self.messages(patron).count == 1, "a disabled flow starts nothing")
            #expect(try await patron.api(.post, "/api/v1/flows/no-such-flow/enable").status == .notFound)
        }
    }

    @Test func flowDocumentsAreValidatedNamingTheFieldAndVersioned() async throws {
        try await withPatron { patron in
            let bad = try await patron.api(
                .put, "/api/v1/flows/vip-thanks",
                json: """
                    {"name": "vip-thanks", "purpose": "marketing", "trigger": {"type": "teleport"},
                     "steps": [{"type": "send", "template": "nope"}, {"type": "wait"}, {"type": "send", "template": "welcome", "variant": "b"}],
                     "holdout": 0.9}
                    """)
            #expect(bad.status == .unprocessableContent)
            let fields = Set(try bad.problemFields())
            for field in ["topic", "trigger.type", "steps[0].template", "steps[1].days", "holdout", "steps[2].variant"] {
                #expect(fields.contains(field), "\(field) missing from \(fields)")
            }
            let transactionalHoldout = try await patron.api(
                .put, "/api/v1/flows/receipt",
                json:
                    #"{"name": "receipt", "purpose": "transactional", "trigger": {"type": "order_placed"}, "steps": [{"type": "send", "template": "order-thank-you"}], "holdout": 0.1}"#
            )
            #expect(try transactionalHoldout.problemFields() == ["holdout"])
            let document = """
                {"name": "cart-nudge", "purpose": "marketing", "topic": "reminders",
                 "trigger": {"type": "event", "event": "Checkout Started"},
                 "steps": [{"type": "split", "variants": [{"name": "a", "weight": 1}, {"name": "b", "weight": 1}]},
                           {"type": "condition", "orderedSinceStart": false},
                           {"type": "send", "template": "abandoned-checkout"}], "exitOn": ["Order Completed"], "holdout": 0}
                """
            let saved = try await patron.api(.put, "/api/v1/flows/cart-nudge", json: document)
            #expect(saved.status == .ok, "\(saved.bodyText)")
            #expect(try saved.json()["version"] == .int(1) && saved.json()["builtIn"] == .bool(false))
            let again = try await patron.api(.put, "/api/v1/flows/cart-nudge", json: document)
            #expect(try again.json()["versions"]?.arrayValue?.count == 2)
            let mismatch = try await patron.api(.put, "/api/v1/flows/other-name", json: document)
            #expect(mismatch.status == .unprocessableContent)
        }
    }

    @Test func eventFlowsStartOncePerEventSplitAndExitOnOrders() async throws {
        try await withPatron { patron in
            try await Self.configureSender(patron)
            let document = """
                {"name": "cart-nudge", "purpose": "marketing", "topic": "reminders",
                 "trigger": {"type": "event", "event": "Checkout Started"},
                 "steps": [{"type": "split", "variants": [{"name": "a", "weight": 1}, {"name": "b", "weight": 1}]},
                           {"type": "send", "template": "abandoned-checkout"},
                           {"type": "wait", "hours": 1},
                           {"type": "send", "template": "abandoned-checkout", "variant": "b"}],
                 "exitOn": ["Order Completed"], "holdout": 0}
                """
            #expect(try await patron.api(.put, "/api/v1/flows/cart-nudge", json: document).status == .ok)
            #expect(try await patron.api(.post, "/api/v1/flows/cart-nudge/enable").status == .ok)
            #expect(try await patron.api(.post, "/api/v1/orders", json: Self.order("FIRST")).status == .created)
            let event =
                #"{"type": "Checkout Started", "customerExternalId": "c1", "messageId": "chk-1", "properties": {"url": "https://shop.example/cart/1", "currency": "EUR", "value": 29.5, "products": [{"name": "Beans", "quantity": 2, "price": 14.75}]}}"#
            #expect(try await patron.api(.post, "/api/v1/events", json: event).status.code < 300)
            #expect(try await patron.api(.post, "/api/v1/events", json: event).status.code < 300)
            let queued = try await Self.messages(patron, "&flow=cart-nudge")
            #expect(queued.count == 1, "the re-sent event starts nothing: \(queued)")
            let variant = try #require(queued.first?["variant"]?.stringValue)
            #expect(["a", "b"].contains(variant) && queued.first?["topic"] == "reminders")

            // An hour later the run resumes; an order placed meanwhile makes it exit before the second send.
            #expect(try await patron.api(.post, "/api/v1/orders", json: Self.order("SECOND")).status == .created)
            let run = try #require(queued.first?["flowRunId"]?.intValue)
            try await patron.database.write(store: patron.storeA.id) { sql in
                try await FlowEngine.resume(
                    run: run, writer: StoreWriter(sql: sql, storeID: patron.storeA.id, now: Date().addingTimeInterval(3_700)),
                    services: FlowServices(database: patron.database))
            }
            #expect(try await Self.messages(patron, "&flow=cart-nudge").count == 1, "exited on the order")
        }
    }

    @Test func signedLinksRecordClicksOpensAndUnsubscribesAndDriveAttribution() async throws {
        try await withPatron { patron in
            try await Self.configureSender(patron)
            #expect(try await patron.api(.post, "/api/v1/flows/order-thank-you/enable").status == .ok)
            #expect(try await patron.api(.post, "/api/v1/orders", json: Self.order("L1")).status == .created)
            let message = try #require(try await Self.messages(patron).first)
            let messageId = try #require(message["id"]?.intValue)
            let customer = try #require(message["customerId"]?.intValue)
            let signer = LinkSigner(secret: try await ServerSecrets.linkSigningKey(in: patron.database))
            func token(_ kind: SignedLink.Kind, url: String? = nil) -> String {
                signer.token(
                    for: SignedLink(kind: kind, store: patron.storeA.id, customer: customer, message: messageId, url: url))
            }
            let click = try await patron.send(.get, "/l/\(token(.click, url: "https://shop.example/kettle"))")
            #expect(click.status == .found && click.headers[.location] == "https://shop.example/kettle")
            // A changed signature character (the fifth from the end always carries six signature bits).
            var evil = Array(token(.click, url: "https://evil.example"))
            evil[evil.count - 5] = evil[evil.count - 5] == "A" ? "B" : "A"
            let forged = try await patron.send(.get, "/l/\(String(evil))")
            #expect(forged.status == .notFound)
            let pixel = try await patron.send(.get, "/o/\(token(.open))")
            #expect(pixel.status == .ok && pixel.headers[.contentType] == "image/gif")
            let secondLink = try await patron.send(.get, "/l/\(token(.click, url: "https://shop.example/mugs"))")
            #expect(secondLink.status == .found, "a second link clicked counts the message once")
            let events = try await patron.events(customerId: customer)
            let clicked = events.first { $0["type"] == "Email Clicked" }
            #expect(clicked?["properties"]?["messageId"] == .int(messageId))
            #expect(clicked?["properties"]?["flow"] == "order-thank-you")
            #expect(events.contains { $0["type"] == "Email Opened" })

            // A later order within the click window is attributed to the clicked message.
            #expect(try await patron.api(.post, "/api/v1/orders", json: Self.order("L2")).status == .created)
            let performance = try await patron.api(.get, "/api/v1/flows/order-thank-you/performance?days=7")
            let report = try performance.json()
            #expect(report["attributed"]?[0]?["orders"] == .int(1), "\(performance.bodyText)")
            #expect(report["attributed"]?[0]?["touch"] == "click")
            #expect(report["messages"]?["clicked"] == .int(1) && report["messages"]?["opened"] == .int(1))
            let logged = try await patron.api(.get, "/api/v1/messages/\(messageId)").json()
            #expect(logged["openedAt"]?.stringValue != nil && logged["clickedAt"]?.stringValue != nil)
            #expect(logged["unsubscribedAt"] == .null)
            #expect(try await Self.messages(patron, "&channel=email").contains { $0["id"] == .int(messageId) })
            #expect(try await Self.messages(patron, "&channel=sms").isEmpty)
            #expect(try await patron.api(.get, "/api/v1/messages?channel=fax").status == .unprocessableContent)

            // GET shows a confirmation and changes nothing; POST (one-click, no cookies) unsubscribes.
            let page = try await patron.send(.get, "/u/\(token(.unsubscribe))")
            #expect(page.status == .ok && page.bodyText.contains("<form method=\"post\">"))
            #expect(
                try await patron.api(.get, "/api/v1/customers/\(customer)").json()["consent"]?["email"]?["state"] == "subscribed")
            let unsubscribed = try await patron.send(.post, "/u/\(token(.unsubscribe))")
            #expect(unsubscribed.status == .ok)
            #expect(
                try await patron.api(.get, "/api/v1/customers/\(customer)").json()["consent"]?["email"]?["state"]
                    == "unsubscribed")
            let after = try await patron.api(.get, "/api/v1/flows/order-thank-you/performance?days=7").json()
            #expect(after["messages"]?["unsubscribed"] == .int(1) && after["messages"]?["clicked"] == .int(1))
        }
    }

    @Test func campaignsQueueOneThrottledMessagePerSegmentMemberAndCanBeCancelled() async throws {
        try await withPatron { patron in
            try await Self.configureSender(patron)
            for index in 0..<5 {
                #expect(
                    try await patron.api(
                        .post, "/api/v1/orders",
                        json: Self.order("C\(index)", customer: "cust-\(index)", email: "c\(index)@example.com")
                    )
                    .status == .created)
            }
            let segment = try await patron.api(
                .post, "/api/v1/segments", json: #"{"name": "Buyers", "rule": "orders.count >= 1"}"#)
            #expect(segment.status == .created, "\(segment.bodyText)")
            #expect(try await patron.api(.post, "/api/v1/analytics/refresh").status == .ok)
            let bad = try await patron.api(
                .post, "/api/v1/campaigns", json: #"{"name": "X", "segment": "Nobody", "content": {"subject": "Hi\nthere"}}"#)
            #expect(Set(try bad.problemFields()).isSuperset(of: ["content.subject", "content.body"]), "\(bad.bodyText)")
            let created = try await patron.api(
                .post, "/api/v1/campaigns",
                json:
                    #"{"name": "Spring", "segment": "Buyers", "perHour": 60, "content": {"subject": "New beans", "body": "Fresh.\n\nRoasted today.", "buttonText": "Shop", "buttonUrl": "https://shop.example"}}"#
            )
            #expect(created.status == .created, "\(created.bodyText)")
            let id = try #require(try created.json()["id"]?.intValue)
            let service = CampaignService(database: patron.database)
            #expect(try await service.send(campaign: id, store: patron.storeA.id) == 5)
            #expect(try await service.send(campaign: id, store: patron.storeA.id) == 0, "sending twice queues nothing more")
            let queued = try await patron.list("/api/v1/messages?limit=200").filter { $0["campaignId"] == .int(id) }
            #expect(queued.count == 5)
            let sendTimes = queued.compactMap { $0["sendAt"]?.stringValue.flatMap(Timestamp.parse) }.sorted()
            #expect(sendTimes.count == 5 && sendTimes[4].timeIntervalSince(sendTimes[0]) >= 239, "one a minute at 60 an hour")
            let cancelled = try await patron.api(.post, "/api/v1/campaigns/\(id)/cancel")
            #expect(try cancelled.json()["status"] == "cancelled")
            let report = try await patron.api(.get, "/api/v1/campaigns/\(id)").json()
            #expect(report["messages"]?["suppressed"] == .int(5), "\(report)")
        }
    }
}
