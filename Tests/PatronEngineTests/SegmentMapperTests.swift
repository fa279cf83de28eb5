import Foundation
import PatronCore
import Testing

@testable import PatronEngine

/// Messages shaped the way segment-analytics-python 2.x sends them: `integrations`, `context.library`,
/// a uuid4 `messageId`, `timestamp` with milliseconds and an offset, and explicit nulls for unset ids.
@Suite struct SegmentMapperTests {
    let receivedAt = Date(timeIntervalSince1970: 1_714_566_602)  // 2024-05-01T12:30:02Z

    func map(_ type: SegmentMessageType, _ json: String) throws -> [IngestOperation] {
        try SegmentMapper.operations(type: type, message: JSONParser.parse(json), receivedAt: receivedAt)
    }

    func failure(_ type: SegmentMessageType, _ json: String) throws -> ValidationFailure? {
        let message = try JSONParser.parse(json)
        do throws(ValidationFailure) {
            _ = try SegmentMapper.operations(type: type, message: message, receivedAt: receivedAt)
            return nil
        } catch {
            return error
        }
    }

    func date(_ text: String) throws -> Date { try #require(Timestamp.parse(text)) }

    // MARK: identify

    @Test func identifyMapsTraitsAndLinksTheAnonymousId() throws {
        let operations = try map(
            .identify,
            """
            {"integrations": {}, "anonymousId": "anon-42", "timestamp": "2024-05-01T12:30:00.123+00:00",
             "context": {"library": {"name": "analytics-python", "version": "2.3.5"}, "timezone": "Europe/Paris"},
             "type": "identify", "userId": "user-7", "messageId": "0f3c2d4e-9a1b-4c5d-8e7f-123456789abc",
             "traits": {"email": "ana@example.com", "firstName": "Ana", "last_name": "Lopez",
                        "phone": "+1 (415) 555-0123", "birthday": "1990-05-01", "createdAt": "2023-01-15T09:00:00Z",
                        "address": {"city": "Austin", "country": "us"}, "plan": "premium", "logins": 5,
                        "email_opt_in": true}}
            """)
        #expect(operations.count == 2)
        let customer = try #require(operations.first?.customer)
        #expect(customer.externalId == "user-7")
        #expect(customer.email == "ana@example.com")
        #expect(customer.firstName == "Ana")
        #expect(customer.lastName == "Lopez")
        #expect(customer.phone == "+14155550123")
        #expect(customer.birthday == CalendarDate(year: 1990, month: 5, day: 1))
        #expect(customer.country == "US")
        #expect(customer.timeZone == "Europe/Paris")
        #expect(customer.createdAt == (try date("2023-01-15T09:00:00Z")))
        #expect(customer.sourceUpdatedAt == (try date("2024-05-01T12:30:00.123Z")))
        #expect(customer.anonymousIds.isEmpty)
        let properties = try #require(customer.properties)
        #expect(properties["plan"] == "premium")
        #expect(properties["logins"] == 5)
        #expect(properties["address"]?["city"] == "Austin")
        for consumed in ["email", "firstName", "last_name", "phone", "birthday", "createdAt", "email_opt_in"] {
            #expect(properties[consumed] == nil, "\(consumed) should not be repeated in properties")
        }
        #expect(customer.consents.count == 1)
        #expect(customer.consents.first?.channel == .email)
        #expect(customer.consents.first?.state == .subscribed)
        #expect(customer.consents.first?.source == "segment")

        guard case .linkAnonymous(let anonymousId, let ref) = operations[1] else {
            Issue.record("expected a linkAnonymous operation, got \(operations[1])")
            return
        }
        #expect(anonymousId == "anon-42")
        #expect(ref == CustomerRef(externalId: "user-7", email: "ana@example.com"))
    }

    @Test func identifyKeepsBadDescriptiveTraitsAsProperties() throws {
        let operations = try map(
            .identify,
            """
            {"userId": 1234, "anonymousId": null, "messageId": "m-1", "context": {"timezone": "Mars/Olympus"},
             "traits": {"name": "Ana Maria Lopez", "phone": "call me", "birthday": "someday",
                        "address": {"country": "United States"}}}
            """)
        #expect(operations.count == 1)
        let customer = try #require(operations.first?.customer)
        #expect(customer.externalId == "1234")
        #expect(customer.firstName == "Ana")
        #expect(customer.lastName == "Maria Lopez")
        #expect(customer.phone == nil)
        #expect(customer.birthday == nil)
        #expect(customer.country == nil)
        #expect(customer.timeZone == nil)
        #expect(customer.properties?["phone"] == "call me")
        #expect(customer.properties?["birthday"] == "someday")
        #expect(customer.consents.isEmpty)
    }

    @Test func identifyWithOnlyAnAnonymousIdBecomesAnEvent() throws {
        let operations = try map(
            .identify,
            """
            {"anonymousId": "anon-1", "userId": null, "messageId": "m-2", "timestamp": "2024-05-01T12:00:00Z",
             "traits": {"favourite_colour": "green"}}
            """)
        #expect(operations.count == 1)
        let event = try #require(operations.first?.event)
        #expect(event.type == "Identify")
        #expect(event.customer == CustomerRef(anonymousId: "anon-1"))
        #expect(event.properties == ["favourite_colour": "green"])
        #expect(event.messageId == "m-2")
        #expect(event.source == .segment)
    }

    @Test func identifyWithAnonymousIdAndEmailUpsertsByEmail() throws {
        let operations = try map(
            .identify,
            """
            {"anonymousId": "anon-9", "messageId": "m-3", "context": {"traits": {"email": "bo@example.com"}},
             "traits": {"first_name": "Bo"}}
            """)
        #expect(operations.count == 1)
        let customer = try #require(operations.first?.customer)
        #expect(customer.externalId == nil)
        #expect(customer.email == "bo@example.com")
        #expect(customer.firstName == "Bo")
        #expect(customer.anonymousIds == ["anon-9"])
    }

    @Test func identifyRejectsAnInvalidEmail() throws {
        let error = try #require(try failure(.identify, #"{"userId": "u1", "traits": {"email": "not-an-email"}}"#))
        #expect(error.errors.map(\.field) == ["traits.email"])
    }

    @Test func consentWithdrawalWinsAndCookieCategoriesAreIgnored() throws {
        let operations = try map(
            .identify,
            """
            {"userId": "u2", "messageId": "m-4",
             "context": {"consent": {"categoryPreferences": {"Advertising": true, "Analytics": true}}},
             "traits": {"email_opt_in": true, "unsubscribed": true, "consent": {"sms": {"state": "subscribed"}},
                        "accepts_marketing": "yes"}}
            """)
        let customer = try #require(operations.first?.customer)
        let states = Dictionary(uniqueKeysWithValues: customer.consents.map { ($0.channel, $0.state) })
        #expect(states == [.email: .unsubscribed, .sms: .subscribed])
        #expect(customer.properties?["accepts_marketing"] == "yes")
        #expect(customer.properties?["consent"] == nil)
    }

    @Test func unsubscribedFalseIsNotAnOptIn() throws {
        let operations = try map(.identify, #"{"userId": "u3", "traits": {"unsubscribed": false}}"#)
        let customer = try #require(operations.first?.customer)
        #expect(customer.consents.isEmpty)
    }

    // MARK: common fields

    @Test func missingUserIdAndAnonymousIdNamesUserId() throws {
        for type in [SegmentMessageType.identify, .track, .page, .screen, .group] {
            let error = try #require(
                try failure(type, #"{"userId": null, "anonymousId": null, "event": "Signed Up", "groupId": "g"}"#))
            #expect(error.errors.map(\.field) == ["userId"], "\(type)")
        }
    }

    @Test func trackRequiresAnEventName() throws {
        let error = try #require(try failure(.track, #"{"userId": "u1", "properties": {}}"#))
        #expect(error.errors.map(\.field) == ["event"])
    }

    @Test func missingMessageIdGetsADeterministicOneIgnoringSentAt() throws {
        let first = try map(.track, #"{"userId": "u1", "event": "Signed Up", "sentAt": "2024-05-01T12:30:01Z"}"#)
        let retry = try map(.track, #"{"userId": "u1", "event": "Signed Up", "sentAt": "2024-05-01T12:31:30Z"}"#)
        let other = try map(.track, #"{"userId": "u2", "event": "Signed Up", "sentAt": "2024-05-01T12:30:01Z"}"#)
        let id = try #require(first.first?.event?.messageId)
        #expect(id.hasPrefix("gen-"))
        #expect(id.count == 20)
        #expect(retry.first?.event?.messageId == id)
        #expect(other.first?.event?.messageId != id)
    }

    @Test func timestampFallsBackToReceivedAtAndCorrectsLargeClockSkew() throws {
        let untimed = try map(.track, #"{"userId": "u1", "event": "A"}"#)
        #expect(untimed.first?.event?.occurredAt == receivedAt)

        // The device clock is one hour fast: both times it reported move back by that hour.
        let skewed = try map(
            .track,
            """
            {"userId": "u1", "event": "A", "timestamp": "2024-05-01T13:20:00Z", "sentAt": "2024-05-01T13:30:02Z"}
            """)
        #expect(skewed.first?.event?.occurredAt == (try date("2024-05-01T12:20:00Z")))

        // A few hundred milliseconds is latency, not skew: the timestamp is kept as sent.
        let prompt = try map(
            .track,
            """
            {"userId": "u1", "event": "A", "timestamp": "2024-05-01T12:00:00.250+02:00",
             "sentAt": "2024-05-01T12:30:01.700+00:00"}
            """)
        #expect(prompt.first?.event?.occurredAt == (try date("2024-05-01T10:00:00.250Z")))
    }

    // MARK: track and E-commerce v2

    let orderCompleted = """
        {"integrations": {}, "anonymousId": null, "userId": "user-7", "type": "track", "event": "Order Completed",
         "messageId": "6a1e4b5c-1111-4c5d-8e7f-000000000001", "timestamp": "2024-05-01T12:29:58.000+00:00",
         "context": {"library": {"name": "analytics-python", "version": "2.3.5"},
                     "traits": {"email": "ana@example.com"}},
         "properties": {"checkout_id": "fksdjfsdjfisjf9sdfjsd9f", "order_id": "50314b8e9bcf000000000000",
                        "affiliation": "Google Store", "total": 27.50, "subtotal": 22.50, "revenue": 25.00,
                        "shipping": 3, "tax": 2, "discount": 2.5, "coupon": "hasbros", "currency": "USD",
                        "products": [
                          {"product_id": "507f1f77bcf86cd799439011", "sku": "45790-32",
                           "name": "Monopoly: 3rd Edition", "price": 19, "quantity": 1, "category": "Games",
                           "variant": "200 pieces"},
                          {"product_id": "505bd76785ebb509fc183733", "sku": "46493-32", "name": "Uno Card Game",
                           "price": 3, "quantity": 2, "category": "Games"}]}}
        """

    @Test func orderCompletedBecomesAnOrderAndAnEvent() throws {
        let operations = try map(.track, orderCompleted)
        #expect(operations.count == 2)
        let order = try #require(operations.first?.order)
        #expect(order.externalId == "50314b8e9bcf000000000000")
        #expect(order.customer == CustomerRef(externalId: "user-7", email: "ana@example.com"))
        #expect(order.currency == .usd)
        #expect(order.placedAt == (try date("2024-05-01T12:29:58Z")))
        #expect(order.financialStatus == .paid)
        #expect(order.total == 2750)
        #expect(order.subtotal == 2500)
        #expect(order.shippingTotal == 300)
        #expect(order.taxTotal == 200)
        #expect(order.discountTotal == 250)
        #expect(order.discountCodes == [DiscountInput(code: "hasbros", amount: 250)])
        #expect(order.computedTotal == 2750)
        #expect(order.lineItems.count == 2)
        let monopoly = order.lineItems[0]
        #expect(monopoly.title == "Monopoly: 3rd Edition - 200 pieces")
        #expect(monopoly.productExternalId == "507f1f77bcf86cd799439011")
        #expect(monopoly.sku == "45790-32")
        #expect(monopoly.unitPrice == 1900)
        #expect(monopoly.quantity == 1)
        let uno = order.lineItems[1]
        #expect(uno.title == "Uno Card Game")
        #expect(uno.unitPrice == 300)
        #expect(uno.quantity == 2)

        let event = try #require(operations.last?.event)
        #expect(event.type == "Order Completed")
        #expect(event.messageId == "6a1e4b5c-1111-4c5d-8e7f-000000000001")
        #expect(event.productExternalIds == ["507f1f77bcf86cd799439011", "505bd76785ebb509fc183733"])
        #expect(event.properties["checkout_id"] == "fksdjfsdjfisjf9sdfjsd9f")
        #expect(event.context["library"]?["name"] == "analytics-python")
    }

    @Test func orderAmountsAcceptStringsAndFollowTheCurrency() throws {
        let operations = try map(
            .track,
            """
            {"anonymousId": "anon-5", "event": "Order Completed", "messageId": "m-5",
             "properties": {"order_id": 1001, "currency": "jpy", "email": "guest@example.com",
                            "products": [{"sku": "TEA-1", "price": "1500", "quantity": 2.0}]}}
            """)
        let order = try #require(operations.first?.order)
        #expect(order.externalId == "1001")
        #expect(order.customer == CustomerRef(email: "guest@example.com", anonymousId: "anon-5"))
        #expect(order.currency == Currency(code: "JPY"))
        #expect(order.total == nil)
        #expect(order.lineItems.first?.unitPrice == 1500)
        #expect(order.lineItems.first?.quantity == 2)
        #expect(order.lineItems.first?.title == "TEA-1")
        // "19.99" has more decimals than yen allow.
        let error = try #require(
            try failure(
                .track,
                #"{"userId": "u", "event": "Order Completed", "properties": {"order_id": "1", "#
                    + #""revenue": "19.99", "currency": "JPY"}}"#))
        #expect(error.errors.map(\.field) == ["properties.revenue"])

        let dollars = try map(
            .track,
            #"{"userId": "u", "event": "Order Completed", "properties": {"order_id": "2", "revenue": "19.99"}}"#)
        #expect(dollars.first?.order?.subtotal == 1999)
        #expect(dollars.first?.order?.computedTotal == 1999)
    }

    @Test func orderCompletedWithoutOrderIdNamesTheField() throws {
        let error = try #require(
            try failure(.track, #"{"userId": "u1", "event": "Order Completed", "properties": {"total": 10}}"#))
        #expect(error.errors.map(\.field) == ["properties.order_id"])

        let badItem = try #require(
            try failure(
                .track,
                """
                {"userId": "u1", "event": "Order Completed",
                 "properties": {"order_id": "o1", "products": [{"name": "Mug", "price": "cheap"}]}}
                """))
        #expect(badItem.errors.map(\.field) == ["properties.products[0].price"])
    }

    @Test func orderUpdatedUpsertsOnlyWithProducts() throws {
        let withProducts = try map(
            .track,
            """
            {"userId": "u1", "event": "Order Updated",
             "properties": {"order_id": "o1", "products": [{"product_id": "p1", "price": 5}]}}
            """)
        #expect(withProducts.count == 2)
        #expect(withProducts.first?.order?.lineItems.first?.productExternalId == "p1")

        let without = try map(.track, #"{"userId": "u1", "event": "Order Updated", "properties": {"order_id": "o1"}}"#)
        #expect(without.count == 1)
        #expect(without.first?.event != nil)
    }

    @Test func orderRefundedWithAnAmountIsARefund() throws {
        let operations = try map(
            .track,
            """
            {"userId": "user-7", "event": "Order Refunded", "messageId": "refund-msg-1",
             "timestamp": "2024-05-02T08:00:00Z",
             "properties": {"order_id": "50314b8e9bcf000000000000", "total": 30, "currency": "USD",
                            "reason": "damaged",
                            "products": [{"product_id": "507f1f77bcf86cd799439011", "sku": "45790-32", "price": 19,
                                          "quantity": 1},
                                         {"product_id": "505bd76785ebb509fc183733", "price": 3, "quantity": 2}]}}
            """)
        #expect(operations.count == 2)
        let refund = try #require(operations.first?.refund)
        #expect(refund.externalId == "segment:refund-msg-1")
        #expect(refund.orderExternalId == "50314b8e9bcf000000000000")
        #expect(refund.amount == 3000)
        #expect(refund.currency == .usd)
        #expect(refund.reason == "damaged")
        #expect(refund.createdAt == (try date("2024-05-02T08:00:00Z")))
        #expect(refund.lineItems.map(\.productExternalId) == ["507f1f77bcf86cd799439011", "505bd76785ebb509fc183733"])
        #expect(refund.lineItems.map(\.quantity) == [1, 2])
        #expect(operations.last?.event?.type == "Order Refunded")

        let fromProducts = try map(
            .track,
            """
            {"userId": "u1", "event": "Order Refunded", "messageId": "refund-msg-2",
             "properties": {"order_id": "o1", "products": [{"product_id": "p1", "price": 4.5, "quantity": 2}]}}
            """)
        #expect(fromProducts.first?.refund?.amount == 900)
    }

    @Test func orderRefundedWithoutAnAmountMarksTheOrderRefunded() throws {
        let operations = try map(
            .track,
            """
            {"userId": "u1", "event": "Order Refunded", "timestamp": "2024-05-02T08:00:00Z",
             "properties": {"order_id": "o1"}}
            """)
        let update = try #require(operations.first?.orderStatus)
        #expect(update.orderExternalId == "o1")
        #expect(update.financialStatus == .refunded)
        #expect(update.occurredAt == (try date("2024-05-02T08:00:00Z")))
    }

    @Test func orderCancelledSetsCancelledAt() throws {
        let operations = try map(
            .track,
            """
            {"userId": "u1", "event": "Order Cancelled", "timestamp": "2024-05-03T10:15:00.000+00:00",
             "properties": {"order_id": "50314b8e9bcf000000000000", "total": 30, "reason": "customer"}}
            """)
        #expect(operations.count == 2)
        let update = try #require(operations.first?.orderStatus)
        #expect(update.orderExternalId == "50314b8e9bcf000000000000")
        #expect(update.cancelledAt == (try date("2024-05-03T10:15:00Z")))
        #expect(update.cancelReason == "customer")
        #expect(update.financialStatus == nil)
    }

    @Test func productViewedIsAPlainEventWithProductReferences() throws {
        let operations = try map(
            .track,
            """
            {"integrations": {}, "anonymousId": "anon-3", "userId": null, "type": "track", "event": "Product Viewed",
             "messageId": "pv-1", "timestamp": "2024-05-01T12:00:00.000+00:00",
             "context": {"library": {"name": "analytics-python", "version": "2.3.5"}},
             "properties": {"product_id": "507f1f77bcf86cd799439011", "sku": "G-32", "name": "Monopoly: 3rd Edition",
                            "price": 18.99, "currency": "USD"}}
            """)
        #expect(operations.count == 1)
        let event = try #require(operations.first?.event)
        #expect(event.type == "Product Viewed")
        #expect(event.customer == CustomerRef(anonymousId: "anon-3"))
        #expect(event.productExternalIds == ["507f1f77bcf86cd799439011"])
        #expect(event.properties["price"] == 18.99)
    }

    // MARK: page, screen, group, alias

    @Test func pageAndScreenViews() throws {
        let page = try map(
            .page,
            """
            {"userId": "u1", "name": "Pricing", "category": "Docs",
             "properties": {"url": "https://example.com/pricing"}}
            """)
        let event = try #require(page.first?.event)
        #expect(event.type == "Page Viewed")
        #expect(event.properties == ["url": "https://example.com/pricing", "name": "Pricing", "category": "Docs"])

        let screen = try map(.screen, #"{"anonymousId": "a1", "name": "Home", "category": null}"#)
        #expect(screen.first?.event?.type == "Screen Viewed")
        #expect(screen.first?.event?.properties == ["name": "Home"])
    }

    @Test func groupAndAlias() throws {
        let group = try map(.group, #"{"userId": "u1", "groupId": 42, "traits": {"name": "Initech"}}"#)
        #expect(group.first?.event?.type == "Group")
        #expect(group.first?.event?.properties == ["name": "Initech", "groupId": "42"])

        let alias = try map(.alias, #"{"previousId": "anon-1", "userId": "u1", "messageId": "al-1"}"#)
        guard case .linkAnonymous(let anonymousId, let customer) = try #require(alias.first) else {
            Issue.record("expected linkAnonymous")
            return
        }
        #expect(anonymousId == "anon-1")
        #expect(customer == CustomerRef(externalId: "u1"))

        let error = try #require(try failure(.alias, #"{"userId": "u1"}"#))
        #expect(error.errors.map(\.field) == ["previousId"])
    }

    // MARK: batch

    @Test func batchKeepsGoodMessagesBesideBadOnes() throws {
        let body = try JSONParser.parse(
            """
            {"batch": [
               {"type": "identify", "userId": "u1", "messageId": "b-1", "traits": {"email": "ana@example.com"},
                "context": {"library": {"name": "analytics-python", "version": "2.3.5"}}},
               {"type": "track", "event": "Signed Up", "userId": null, "anonymousId": null, "messageId": "b-2"},
               {"type": "purchase", "userId": "u1"},
               "not an object",
               {"type": "track", "event": "Product Viewed", "anonymousId": "anon-1", "messageId": "b-5",
                "timestamp": "2024-05-01T12:00:00Z", "properties": {"product_id": "p9"}}],
             "context": {"ip": "203.0.113.9", "library": {"name": "ignored"}},
             "sentAt": "2024-05-01T12:30:01.654321+00:00", "writeKey": "wk_live_123"}
            """)
        let messages = try SegmentBatch.messages(body)
        #expect(messages.count == 5)
        let identify = try messages[0].get()
        #expect(identify.type == .identify)
        #expect(identify.message["context"]?["ip"] == "203.0.113.9")
        #expect(identify.message["context"]?["library"]?["name"] == "analytics-python")
        #expect(identify.message["sentAt"] == "2024-05-01T12:30:01.654321+00:00")
        #expect(try messages[1].get().type == .track)
        #expect(fields(messages[2]) == ["batch[2].type"])
        #expect(fields(messages[3]) == ["batch[3]"])

        let results = try SegmentBatch.operations(body, receivedAt: receivedAt)
        #expect(results.count == 5)
        #expect(try results[0].get().first?.customer?.email == "ana@example.com")
        #expect(fields(results[1]) == ["batch[1].userId"])
        #expect(fields(results[2]) == ["batch[2].type"])
        let viewed = try #require(try results[4].get().first?.event)
        #expect(viewed.productExternalIds == ["p9"])
        #expect(viewed.context["ip"] == "203.0.113.9")
        #expect(viewed.occurredAt == (try date("2024-05-01T12:00:00Z")))
    }

    @Test func batchBodyWithoutABatchIsRejected() throws {
        let body = try JSONParser.parse(#"{"sentAt": "2024-05-01T12:30:01Z"}"#)
        #expect(throws: ValidationFailure.self) { try SegmentBatch.messages(body) }
        #expect(throws: ValidationFailure.self) { try SegmentBatch.messages(JSONValue.array([])) }
        let empty = try SegmentBatch.messages(JSONParser.parse(#"{"batch": []}"#))
        #expect(empty.isEmpty)
    }

    @Test func oversizedMessageInABatchFailsAlone() throws {
        let big = String(repeating: "x", count: SegmentLimits.maxMessageBytes)
        let body = JSONValue.object([
            "batch": [
                ["type": "track", "userId": "u1", "event": "Big", "properties": ["blob": .string(big)]],
                ["type": "track", "userId": "u1", "event": "Small"],
            ]
        ])
        let messages = try SegmentBatch.messages(body)
        #expect(fields(messages[0]) == ["batch[0]"])
        #expect(try messages[1].get().type == .track)
    }

    func fields<T>(_ result: Result<T, ValidationFailure>) -> [String] {
        guard case .failure(let failure) = result else { return [] }
        return failure.errors.map(\.field)
    }

    // MARK: auth

    @Test func writeKeyFromBasicAuthOrBody() throws {
        let encoded = Data("wk_live_123:".utf8).base64EncodedString()
        #expect(SegmentAuth.writeKey(authorizationHeader: "Basic \(encoded)", body: nil) == "wk_live_123")
        #expect(SegmentAuth.writeKey(authorizationHeader: "basic \(encoded)", body: nil) == "wk_live_123")
        let unpadded = Data("key1:".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        #expect(SegmentAuth.writeKey(authorizationHeader: "Basic \(unpadded)", body: nil) == "key1")

        let body = try JSONParser.parse(#"{"batch": [], "writeKey": "wk_body"}"#)
        #expect(SegmentAuth.writeKey(authorizationHeader: nil, body: body) == "wk_body")
        #expect(SegmentAuth.writeKey(authorizationHeader: "Bearer abc.def", body: body) == "wk_body")
        #expect(SegmentAuth.writeKey(authorizationHeader: "Basic \(encoded)", body: body) == "wk_live_123")

        let emptyUser = Data(":secret".utf8).base64EncodedString()
        #expect(SegmentAuth.writeKey(authorizationHeader: "Basic \(emptyUser)", body: nil) == nil)
        #expect(SegmentAuth.writeKey(authorizationHeader: "Basic %%%", body: nil) == nil)
        #expect(SegmentAuth.writeKey(authorizationHeader: nil, body: nil) == nil)
    }
}

extension IngestOperation {
    fileprivate var customer: CustomerInput? {
        if case .customer(let input) = self { return input }
        return nil
    }

    fileprivate var order: OrderInput? {
        if case .order(let input) = self { return input }
        return nil
    }

    fileprivate var refund: RefundInput? {
        if case .refund(let input) = self { return input }
        return nil
    }

    fileprivate var orderStatus: OrderStatusUpdate? {
        if case .orderStatus(let input) = self { return input }
        return nil
    }

    fileprivate var event: EventInput? {
        if case .event(let input) = self { return input }
        return nil
    }
}
