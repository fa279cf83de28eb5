import Foundation
import PatronCore
import Testing

@testable import PatronEngine

/// Fixtures are Shopify Admin REST webhook payloads (Tests/PatronEngineTests/Fixtures/shopify/<topic>.json,
/// the topic with "/" written "_"), shaped after Shopify's documented example payloads.
private enum ShopifyFixture {
    static let receivedAt = Date(timeIntervalSince1970: 1_720_000_000)

    static func payload(_ name: String) throws -> JSONValue {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures/shopify"),
            "missing fixture \(name).json")
        return try JSONParser.parse(bytes: Array(try Data(contentsOf: url)))
    }

    static func payload(_ topic: ShopifyTopic) throws -> JSONValue {
        try payload(topic.rawValue.replacingOccurrences(of: "/", with: "_"))
    }

    static func map(
        _ topic: ShopifyTopic, _ payload: JSONValue? = nil, shopCurrency: Currency? = nil
    ) throws -> [IngestOperation] {
        try ShopifyMapper.operations(
            topic: topic, payload: payload ?? self.payload(topic), receivedAt: receivedAt, shopCurrency: shopCurrency)
    }

    static func failure(_ topic: ShopifyTopic, _ payload: JSONValue) -> ValidationFailure? {
        return #expect(throws: ValidationFailure.self) {
            try ShopifyMapper.operations(topic: topic, payload: payload, receivedAt: receivedAt)
        }
    }
}

private func date(_ text: String) -> Date { Timestamp.parse(text)! }

extension JSONValue {
    /// A copy with the member at `path` replaced, or removed when `value` is nil. Numeric components index arrays.
    fileprivate func setting(_ path: [String], to value: JSONValue?) -> JSONValue {
        guard let key = path.first else { return value ?? .null }
        let rest = Array(path.dropFirst())
        switch self {
        case .object(var members):
            if rest.isEmpty && value == nil {
                members[key] = nil
            } else {
                members[key] = (members[key] ?? .null).setting(rest, to: value)
            }
            return .object(members)
        case .array(var items):
            let index = Int(key)!
            items[index] = items[index].setting(rest, to: value)
            return .array(items)
        default:
            return self
        }
    }
}

extension IngestOperation {
    fileprivate var order: OrderInput? { if case .order(let value) = self { value } else { nil } }
    fileprivate var refund: RefundInput? { if case .refund(let value) = self { value } else { nil } }
    fileprivate var shipment: ShipmentInput? { if case .shipment(let value) = self { value } else { nil } }
    fileprivate var customer: CustomerInput? { if case .customer(let value) = self { value } else { nil } }
    fileprivate var event: EventInput? { if case .event(let value) = self { value } else { nil } }
    fileprivate var product: ProductInput? { if case .product(let value) = self { value } else { nil } }
}

@Suite("Shopify webhook mapping")
struct ShopifyMapperTests {
    @Test("every topic has a fixture that maps without errors", arguments: ShopifyTopic.allCases)
    func everyTopicMaps(topic: ShopifyTopic) throws {
        let operations = try ShopifyFixture.map(topic, shopCurrency: .usd)
        #expect(!operations.isEmpty)
    }

    @Test func topicsUseShopifyHeaderNames() {
        #expect(ShopifyTopic(rawValue: "fulfillment_events/create") == .fulfillmentEventsCreate)
        #expect(ShopifyTopic(rawValue: "customers/data_request") == .customersDataRequest)
        #expect(ShopifyTopic(rawValue: "orders/delete") == nil)
    }

    // MARK: Orders

    @Test func orderCreateKeepsIdsExactAndMoneyInMinorUnits() throws {
        let operations = try ShopifyFixture.map(.ordersCreate)
        #expect(operations.count == 1)
        let order = try #require(operations.first?.order)

        #expect(order.externalId == "5678901234567890123")
        #expect(order.number == "#1001")
        #expect(order.currency == .usd)
        #expect(order.placedAt == date("2024-05-01T14:15:29Z"))
        #expect(order.sourceUpdatedAt == date("2024-05-01T10:15:32-04:00"))
        #expect(order.financialStatus == .paid)
        #expect(order.fulfillmentStatus == .unfulfilled)
        #expect(order.cancelledAt == nil)
        #expect(order.sourceName == "web")
        #expect(order.tags == ["first-order", "newsletter"])

        #expect(order.total == 40_300)
        #expect(order.subtotal == 36_000)
        #expect(order.discountTotal == 4_000)
        #expect(order.shippingTotal == 700)
        #expect(order.taxTotal == 3_600)
        #expect(order.computedTotal == 40_300)
        #expect(order.discountCodes == [DiscountInput(code: "WELCOME10", amount: 4_000)])

        #expect(order.lineItems.count == 2)
        let tee = order.lineItems[0]
        #expect(tee.externalId == "14521287524567")
        #expect(tee.productExternalId == "8123456789012")
        #expect(tee.variantExternalId == "45123456789012")
        #expect(tee.sku == "TEE-BLK-M")
        #expect(tee.title == "Organic Cotton Tee")
        #expect(tee.quantity == 2)
        #expect(tee.unitPrice == 18_000)
        #expect(tee.discount == 3_600, "discount_allocations win over the stale total_discount of 0.00")
        #expect(tee.tax == 3_240)
        #expect(order.lineItems[1].unitPrice == 4_000)
        #expect(order.lineItems[1].discount == 400)
        #expect(order.lineItems[1].tax == 360)

        let address = try #require(order.shippingAddress)
        #expect(address.name == "Ana Silva")
        #expect(address.company == "Silva Design")
        #expect(address.address1 == "1520 Pine St")
        #expect(address.address2 == "Unit 4")
        #expect(address.city == "Seattle")
        #expect(address.postalCode == "98101")
        #expect(address.country == "US")
    }

    @Test func orderCarriesTheCustomerWithConsent() throws {
        let order = try #require(try ShopifyFixture.map(.ordersCreate).first?.order)
        #expect(order.customer == CustomerRef(externalId: "7012345678901234567", email: "ana.silva@example.com"))

        let details = try #require(order.customerDetails)
        #expect(details.externalId == "7012345678901234567")
        #expect(details.email == "ana.silva@example.com")
        #expect(details.firstName == "Ana")
        #expect(details.lastName == "Silva")
        #expect(details.phone == "+12065550123")
        #expect(details.country == "US")
        #expect(details.tags == [])
        #expect(details.createdAt == date("2024-04-28T12:00:00Z"))
        #expect(details.sourceUpdatedAt == date("2024-05-01T10:15:31-04:00"))
        // The sms consent is "not_subscribed": no decision, so nothing is recorded for sms.
        #expect(
            details.consents == [
                ConsentInput(
                    channel: .email, state: .subscribed, source: "shopify",
                    recordedAt: date("2024-05-01T10:15:29-04:00"))
            ])
    }

    @Test func orderUpdatedCarriesItsRefunds() throws {
        let order = try #require(try ShopifyFixture.map(.ordersUpdated).first?.order)
        #expect(order.financialStatus == .partiallyRefunded)
        #expect(order.fulfillmentStatus == .partial)
        #expect(order.sourceUpdatedAt == date("2024-05-05T13:00:02Z"))

        #expect(order.refunds.count == 1)
        let refund = order.refunds[0]
        #expect(refund.externalId == "987654321098")
        #expect(refund.orderExternalId == "5678901234567890123")
        #expect(refund.createdAt == date("2024-05-05T13:00:00Z"))
        // Only the successful transaction counts: the mug (36.00 + 3.60 tax) plus the 7.00 shipping.
        #expect(refund.amount == 4_660)
        #expect(refund.currency == .usd)
        #expect(refund.reason == "Mug arrived chipped")
        #expect(refund.lineItems.count == 1)
        #expect(refund.lineItems[0].lineItemExternalId == "14521287524568")
        #expect(refund.lineItems[0].productExternalId == "8123456789013")
        #expect(refund.lineItems[0].sku == "MUG-WHT")
        #expect(refund.lineItems[0].quantity == 1)
    }

    @Test func paidGuestOrderInAZeroDecimalCurrency() throws {
        let order = try #require(try ShopifyFixture.map(.ordersPaid).first?.order)
        #expect(order.externalId == "5912345678901")
        #expect(order.currency.code == "JPY")
        #expect(order.lineItems[0].unitPrice == 3_500)
        #expect(order.lineItems[0].quantity == 2)
        #expect(order.lineItems[0].sku == nil, "an empty sku string is no sku")
        #expect(order.lineItems[0].tax == 700)
        #expect(order.shippingTotal == 600)
        #expect(order.total == 8_300)

        #expect(order.customer == CustomerRef(email: "kenji.sato@example.jp"))
        let details = try #require(order.customerDetails)
        #expect(details.externalId == nil)
        #expect(details.firstName == "Kenji")
        #expect(details.lastName == "Sato")
        #expect(details.country == "JP")
        #expect(details.phone == "+81312345678")
        #expect(details.consents.map(\.state) == [.subscribed], "buyer_accepts_marketing on a guest order")
        #expect(details.consents.first?.recordedAt == date("2024-06-10T05:02:10Z"))
    }

    @Test func cancelledOrderWithLegacyMarketingFlag() throws {
        let order = try #require(try ShopifyFixture.map(.ordersCancelled).first?.order)
        #expect(order.externalId == "5678901234567890456")
        #expect(order.cancelledAt == date("2024-05-02T20:20:00Z"))
        #expect(order.cancelReason == "customer")
        #expect(order.financialStatus == .voided)
        #expect(order.shippingTotal == 0)

        let details = try #require(order.customerDetails)
        #expect(details.externalId == "6198765432101")
        #expect(details.country == "CA")
        #expect(details.phone == nil)
        #expect(details.tags == ["repeat"])
        #expect(
            details.consents == [
                ConsentInput(
                    channel: .email, state: .unsubscribed, source: "shopify",
                    recordedAt: date("2023-11-20T14:30:00Z"))
            ])
    }

    @Test func cancelledTopicWithoutCancelledAtUsesTheUpdateTime() throws {
        let payload = try ShopifyFixture.payload(.ordersCancelled).setting(["cancelled_at"], to: .null)
        let order = try #require(try ShopifyFixture.map(.ordersCancelled, payload).first?.order)
        #expect(order.cancelledAt == date("2024-05-02T16:20:01-04:00"))
    }

    @Test func shippingFallsBackToShippingLines() throws {
        let payload = try ShopifyFixture.payload(.ordersCreate).setting(["total_shipping_price_set"], to: nil)
        let order = try #require(try ShopifyFixture.map(.ordersCreate, payload).first?.order)
        #expect(order.shippingTotal == 700)
    }

    @Test func orderStatusVocabulary() {
        #expect(ShopifyOrderMapping.financialStatus("partially_paid") == .pending)
        #expect(ShopifyOrderMapping.financialStatus("authorized") == .authorized)
        #expect(ShopifyOrderMapping.financialStatus("refunded") == .refunded)
        #expect(ShopifyOrderMapping.financialStatus("expired") == .voided)
        #expect(ShopifyOrderMapping.fulfillmentStatus(nil) == .unfulfilled)
        #expect(ShopifyOrderMapping.fulfillmentStatus("fulfilled") == .fulfilled)
        #expect(ShopifyOrderMapping.fulfillmentStatus("restocked") == .restocked)
    }

    // MARK: Errors

    @Test func malformedMoneyNamesTheField() throws {
        let payload = try ShopifyFixture.payload(.ordersCreate).setting(["line_items", "0", "price"], to: "18O.00")
        let failure = ShopifyFixture.failure(.ordersCreate, payload)
        #expect(failure?.errors.map(\.field) == ["line_items[0].price"])
        #expect(failure?.errors.first?.message.contains("\"18O.00\"") == true)
    }

    @Test func moreDecimalsThanTheCurrencyHasIsRejected() throws {
        let payload = try ShopifyFixture.payload(.ordersPaid).setting(["total_price"], to: "8300.5")
        #expect(ShopifyFixture.failure(.ordersPaid, payload)?.errors.map(\.field) == ["total_price"])
    }

    @Test func nestedMoneyErrorsUseTheFullPath() throws {
        let payload = try ShopifyFixture.payload(.ordersCreate)
            .setting(["total_shipping_price_set", "shop_money", "amount"], to: "seven")
            .setting(["discount_codes", "0", "amount"], to: "-40.00")
        let fields = ShopifyFixture.failure(.ordersCreate, payload)?.errors.map(\.field)
        #expect(fields == ["discount_codes[0].amount", "total_shipping_price_set.shop_money.amount"])
    }

    @Test func missingRequiredOrderFieldsAreAllReported() throws {
        let payload = try ShopifyFixture.payload(.ordersCreate)
            .setting(["id"], to: nil)
            .setting(["currency"], to: "ZZZ")
            .setting(["created_at"], to: nil)
        let fields = ShopifyFixture.failure(.ordersCreate, payload)?.errors.map(\.field)
        #expect(fields == ["id", "currency", "created_at"])
    }

    @Test func payloadMustBeAnObject() {
        #expect(ShopifyFixture.failure(.ordersCreate, [1, 2])?.errors.map(\.field) == ["(body)"])
    }

    @Test func badRefundTransactionAmountNamesTheField() throws {
        let payload = try ShopifyFixture.payload(.refundsCreate).setting(["transactions", "1", "amount"], to: "4,66")
        #expect(ShopifyFixture.failure(.refundsCreate, payload)?.errors.map(\.field) == ["transactions[1].amount"])
    }

    // MARK: Refunds

    @Test func refundCreate() throws {
        let operations = try ShopifyFixture.map(.refundsCreate)
        let refund = try #require(operations.first?.refund)
        #expect(operations.count == 1)
        #expect(refund.externalId == "987654321098")
        #expect(refund.orderExternalId == "5678901234567890123")
        #expect(refund.createdAt == date("2024-05-05T13:00:00Z"))
        #expect(refund.amount == 4_660)
        #expect(refund.currency == .usd, "transactions say \"currency\": null; the shop money sets say USD")
        #expect(refund.lineItems.map(\.lineItemExternalId) == ["14521287524568"])
    }

    @Test func transactionCurrencyWinsWhenGiven() throws {
        let payload = try ShopifyFixture.payload(.refundsCreate)
            .setting(["transactions", "1", "currency"], to: "JPY")
            .setting(["transactions", "1", "amount"], to: "4660")
        let refund = try #require(try ShopifyFixture.map(.refundsCreate, payload).first?.refund)
        #expect(refund.amount == 4_660)
        #expect(refund.currency?.code == "JPY")
    }

    @Test func refundWithoutTransactionsSumsItsLines() throws {
        let payload = try ShopifyFixture.payload(.refundsCreate).setting(["transactions"], to: [])
        let refund = try #require(try ShopifyFixture.map(.refundsCreate, payload).first?.refund)
        #expect(refund.amount == 3_960)
        #expect(refund.currency == .usd)
    }

    @Test func refundLinesGivenOnlyAsNumbersUseTheOrderCurrency() throws {
        let payload = try ShopifyFixture.payload(.ordersUpdated)
            .setting(["refunds", "0", "transactions"], to: nil)
            .setting(["refunds", "0", "refund_line_items", "0", "subtotal_set"], to: nil)
            .setting(["refunds", "0", "refund_line_items", "0", "total_tax_set"], to: nil)
            .setting(["refunds", "0", "order_adjustments"], to: [])
            .setting(["refunds", "0", "total_duties_set"], to: nil)
        let order = try #require(try ShopifyFixture.map(.ordersUpdated, payload).first?.order)
        #expect(order.refunds.first?.amount == 3_960)
        #expect(order.refunds.first?.currency == .usd)
    }

    @Test func standaloneRefundWithoutAnyCurrencyIsRejected() throws {
        let payload = try ShopifyFixture.payload(.refundsCreate)
            .setting(["transactions"], to: nil)
            .setting(["refund_line_items", "0", "subtotal_set"], to: nil)
            .setting(["order_adjustments"], to: [])
            .setting(["total_duties_set"], to: nil)
        #expect(ShopifyFixture.failure(.refundsCreate, payload)?.errors.map(\.field) == ["refund_line_items"])
    }

    // MARK: Fulfillments

    @Test func fulfillmentCreate() throws {
        let shipment = try #require(try ShopifyFixture.map(.fulfillmentsCreate).first?.shipment)
        #expect(shipment.externalId == "5123456789012")
        #expect(shipment.orderExternalId == "5678901234567890123")
        #expect(shipment.carrier == "UPS")
        #expect(shipment.trackingNumber == "1Z999AA10123456784")
        #expect(
            shipment.trackingUrl
                == "https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1Z999AA10123456784")
        #expect(shipment.status == nil, "shipment_status is null until the carrier reports")
        #expect(shipment.shippedAt == date("2024-05-02T15:00:00Z"))
        #expect(shipment.deliveredAt == nil)
        #expect(shipment.sourceUpdatedAt == date("2024-05-02T15:00:01Z"))
    }

    @Test func fulfillmentUpdateDelivered() throws {
        let shipment = try #require(try ShopifyFixture.map(.fulfillmentsUpdate).first?.shipment)
        #expect(shipment.status == .delivered)
        #expect(shipment.deliveredAt == date("2024-05-04T19:42:10Z"))
    }

    @Test func cancelledFulfillmentAndTrackingArrays() throws {
        let payload = try ShopifyFixture.payload(.fulfillmentsUpdate)
            .setting(["status"], to: "cancelled")
            .setting(["tracking_number"], to: .null)
            .setting(["tracking_numbers"], to: ["", "9400111899223197428490"])
        let shipment = try #require(try ShopifyFixture.map(.fulfillmentsUpdate, payload).first?.shipment)
        #expect(shipment.status == .cancelled)
        #expect(shipment.trackingNumber == "9400111899223197428490")
    }

    @Test func shipmentStatusVocabulary() {
        let expected: [String: ShipmentStatus] = [
            "label_printed": .labelCreated, "label_purchased": .labelCreated, "confirmed": .confirmed,
            "in_transit": .inTransit, "out_for_delivery": .outForDelivery, "attempted_delivery": .attemptedDelivery,
            "ready_for_pickup": .readyForPickup, "picked_up": .pickedUp, "delayed": .delayed,
            "delivered": .delivered, "failure": .failure, "IN_TRANSIT": .inTransit,
        ]
        for (text, status) in expected {
            #expect(ShopifyFulfillmentMapping.status(text) == status, "\(text)")
        }
        #expect(ShopifyFulfillmentMapping.status("teleported") == nil)
    }

    @Test func fulfillmentEventBecomesATrackingEvent() throws {
        let shipment = try #require(try ShopifyFixture.map(.fulfillmentEventsCreate).first?.shipment)
        #expect(shipment.externalId == "5123456789012")
        #expect(shipment.orderExternalId == "5678901234567890123")
        #expect(shipment.status == .inTransit)
        #expect(shipment.estimatedDeliveryAt == date("2024-05-05T00:00:00Z"))
        #expect(shipment.deliveredAt == nil)

        #expect(shipment.events.count == 1)
        let event = shipment.events[0]
        #expect(event.externalId == "31234567890123")
        #expect(event.status == .inTransit)
        #expect(event.occurredAt == date("2024-05-03T11:12:00Z"))
        #expect(event.message == "Departed from facility")
        #expect(event.location == "Louisville, KY, United States")
    }

    @Test func deliveredEventSetsDeliveredAt() throws {
        let payload = try ShopifyFixture.payload(.fulfillmentEventsCreate)
            .setting(["status"], to: "delivered")
            .setting(["city"], to: .null)
        let shipment = try #require(try ShopifyFixture.map(.fulfillmentEventsCreate, payload).first?.shipment)
        #expect(shipment.status == .delivered)
        #expect(shipment.deliveredAt == date("2024-05-03T11:12:00Z"))
        #expect(shipment.events.first?.location == "KY, United States")
    }

    @Test func unknownEventStatusIsRejected() throws {
        let payload = try ShopifyFixture.payload(.fulfillmentEventsCreate).setting(["status"], to: "teleported")
        #expect(ShopifyFixture.failure(.fulfillmentEventsCreate, payload)?.errors.map(\.field) == ["status"])
    }

    // MARK: Customers

    @Test func customerCreate() throws {
        let operations = try ShopifyFixture.map(.customersCreate)
        #expect(operations.count == 1)
        let customer = try #require(operations.first?.customer)
        #expect(customer.externalId == "7012345678901234567")
        #expect(customer.email == "ana.silva@example.com")
        #expect(customer.firstName == "Ana")
        #expect(customer.lastName == "Silva")
        #expect(customer.phone == "+12065550123")
        #expect(customer.country == "US")
        #expect(customer.tags == ["vip", "pop-up"])
        #expect(customer.createdAt == date("2024-04-28T12:00:00Z"))
        #expect(customer.sourceUpdatedAt == date("2024-04-28T12:00:00Z"))
        #expect(
            customer.consents == [
                ConsentInput(
                    channel: .email, state: .subscribed, source: "shopify", recordedAt: date("2024-04-28T12:00:00Z"))
            ])
    }

    @Test func customerUpdateChangesConsentPerChannel() throws {
        let customer = try #require(try ShopifyFixture.map(.customersUpdate).first?.customer)
        #expect(customer.phone == "+12065550199")
        #expect(customer.sourceUpdatedAt == date("2024-06-01T16:30:00Z"))
        #expect(
            customer.consents == [
                ConsentInput(
                    channel: .email, state: .unsubscribed, source: "shopify",
                    recordedAt: date("2024-06-01T16:29:58Z")),
                ConsentInput(
                    channel: .sms, state: .subscribed, source: "shopify", recordedAt: date("2024-06-01T16:30:00Z")),
            ])
    }

    @Test func consentStates() throws {
        let base = try ShopifyFixture.payload(.customersCreate)
        let expected: [String: ConsentState?] = [
            "subscribed": .subscribed, "pending": .pending, "unsubscribed": .unsubscribed,
            "redacted": .unsubscribed, "invalid": .unsubscribed, "not_subscribed": nil,
        ]
        for (shopifyState, state) in expected {
            let payload = base.setting(["email_marketing_consent", "state"], to: .string(shopifyState))
            let customer = try #require(try ShopifyFixture.map(.customersCreate, payload).first?.customer)
            #expect(customer.consents.first?.state == state, "\(shopifyState)")
        }
    }

    @Test func emailConsentUpdate() throws {
        let customer = try #require(try ShopifyFixture.map(.customersEmailMarketingConsentUpdate).first?.customer)
        #expect(customer.externalId == "7012345678901234567")
        #expect(customer.email == "ana.silva@example.com")
        #expect(
            customer.consents == [
                ConsentInput(
                    channel: .email, state: .unsubscribed, source: "shopify", recordedAt: date("2024-06-02T13:15:00Z"))
            ])
    }

    @Test func smsConsentUpdate() throws {
        let customer = try #require(try ShopifyFixture.map(.customersMarketingConsentUpdate).first?.customer)
        #expect(customer.externalId == "7012345678901234567")
        #expect(customer.phone == "+12065550123")
        #expect(customer.consents.map(\.channel) == [.sms])
        #expect(customer.consents.map(\.state) == [.subscribed])
    }

    @Test func malformedContactDetailsAreLeftOutNotRejected() throws {
        let payload = try ShopifyFixture.payload(.customersCreate)
            .setting(["phone"], to: "call me")
            .setting(["email"], to: "not-an-email")
            .setting(["default_address", "country_code"], to: "Narnia")
        let customer = try #require(try ShopifyFixture.map(.customersCreate, payload).first?.customer)
        #expect(customer.externalId == "7012345678901234567")
        #expect(customer.phone == nil)
        #expect(customer.email == nil)
        #expect(customer.country == nil)
    }

    @Test func customerWithoutIdIsRejected() throws {
        let payload = try ShopifyFixture.payload(.customersCreate).setting(["id"], to: nil)
        #expect(ShopifyFixture.failure(.customersCreate, payload)?.errors.map(\.field) == ["id"])
    }

    // MARK: Checkouts

    @Test func checkoutCreateIsCheckoutStarted() throws {
        let operations = try ShopifyFixture.map(.checkoutsCreate)
        #expect(operations.count == 2)
        let customer = try #require(operations.first?.customer)
        #expect(customer.externalId == "7299887766554433221")
        #expect(customer.country == "DE")
        #expect(customer.consents.isEmpty, "not_subscribed records no consent")

        let event = try #require(operations.last?.event)
        #expect(event.type == "Checkout Started")
        #expect(event.source == .shopify)
        #expect(
            event.messageId == "shopify-checkout-b1946ac92492d2347c6235b4d2611184-2024-07-03T18:04:11+02:00",
            "recent API versions send no checkout id; the token identifies the checkout")
        #expect(event.occurredAt == date("2024-07-03T16:04:11Z"))
        #expect(event.customer == CustomerRef(externalId: "7299887766554433221", email: "lena.fischer@example.de"))
        #expect(event.productExternalIds == ["8123456789100", "8123456789101"])

        let properties = event.properties
        #expect(properties["checkout_id"] == "b1946ac92492d2347c6235b4d2611184")
        #expect(properties["currency"] == "EUR")
        #expect(properties["value"] == .double(128.95))
        #expect(properties["tax"] == .double(20.59))
        #expect(properties["coupon"] == nil)
        #expect(properties["url"]?.stringValue?.hasSuffix("/recover?key=1f9d") == true)
        #expect(
            properties["products"]
                == [
                    [
                        "product_id": "8123456789100", "variant_id": "45123456789100", "variant": "Sand / S",
                        "sku": "LIN-SHIRT-S", "name": "Linen Shirt", "brand": "Patron Threads", "price": 89.95,
                        "quantity": 1,
                    ],
                    [
                        "product_id": "8123456789101", "variant_id": "45123456789101", "sku": "SOCK-3PK",
                        "name": "Wool Socks (3 pack)", "brand": "Patron Threads", "price": 19.5, "quantity": 2,
                    ],
                ])
    }

    @Test func checkoutUpdateIsCheckoutUpdated() throws {
        let event = try #require(try ShopifyFixture.map(.checkoutsUpdate).last?.event)
        #expect(event.type == "Checkout Updated")
        #expect(event.messageId == "shopify-checkout-b1946ac92492d2347c6235b4d2611184-2024-07-03T18:09:47+02:00")
        #expect(event.occurredAt == date("2024-07-03T16:09:47Z"))
        #expect(event.properties["value"] == .double(109.61))
        #expect(event.properties["discount"] == .double(19.34))
        #expect(event.properties["coupon"] == "SUMMER15")
    }

    @Test func checkoutWithoutTokenFallsBackToItsId() throws {
        let payload = try ShopifyFixture.payload(.checkoutsUpdate).setting(["token"], to: nil)
        let event = try #require(try ShopifyFixture.map(.checkoutsUpdate, payload).last?.event)
        #expect(event.properties["checkout_id"] == "981820079255243537")
        #expect(event.messageId == "shopify-checkout-981820079255243537-2024-07-03T18:09:47+02:00")
    }

    @Test func anonymousCheckoutRecordsNothing() throws {
        let payload = try ShopifyFixture.payload(.checkoutsCreate)
            .setting(["email"], to: .null)
            .setting(["customer"], to: .null)
        #expect(try ShopifyFixture.map(.checkoutsCreate, payload).isEmpty)
    }

    @Test func checkoutWithEmailOnlyHasNoCustomerOperation() throws {
        let payload = try ShopifyFixture.payload(.checkoutsCreate).setting(["customer"], to: .null)
        let operations = try ShopifyFixture.map(.checkoutsCreate, payload)
        #expect(operations.count == 1)
        #expect(operations.first?.event?.customer == CustomerRef(email: "lena.fischer@example.de"))
    }

    // MARK: Products

    @Test func productWithVariantsInTheShopCurrency() throws {
        let product = try #require(try ShopifyFixture.map(.productsCreate, shopCurrency: .usd).first?.product)
        #expect(product.externalId == "8123456789012")
        #expect(product.title == "Organic Cotton Tee")
        #expect(product.vendor == "Patron Threads")
        #expect(product.productType == "T-Shirts")
        #expect(product.category == "Apparel & Accessories > Clothing > Clothing Tops > T-Shirts")
        #expect(product.status == .active)
        #expect(product.tags == ["cotton", "summer", "tees"])
        #expect(product.currency == .usd)
        #expect(product.imageUrl?.hasSuffix("tee-black.jpg?v=1711976400") == true)

        let variants = try #require(product.variants)
        #expect(variants.count == 2)
        #expect(variants[0].externalId == "45123456789012")
        #expect(variants[0].options == ["Color": "Black", "Size": "M"])
        #expect(variants[0].price == 18_000)
        #expect(variants[0].compareAtPrice == 20_000)
        #expect(variants[0].stock == 42)
        #expect(variants[0].imageUrl == product.imageUrl)
        #expect(variants[1].compareAtPrice == nil)
        #expect(variants[1].imageUrl == nil)
    }

    @Test func productPricesNeedTheShopCurrency() throws {
        let product = try #require(try ShopifyFixture.map(.productsUpdate).first?.product)
        #expect(product.status == .archived)
        #expect(product.currency == nil)
        #expect(product.variants?.map(\.price) == [nil, nil])
        #expect(product.variants?.first?.stock == 0)
    }

    // MARK: Privacy

    @Test func privacyTopics() throws {
        let ref = CustomerRef(externalId: "7012345678901234567", email: "ana.silva@example.com")
        #expect(try ShopifyFixture.map(.customersRedact) == [.eraseCustomer(ref)])
        #expect(try ShopifyFixture.map(.customersDataRequest) == [.dataRequest(ref, requestId: "9999")])
        #expect(try ShopifyFixture.map(.shopRedact) == [.eraseStore])
    }

    @Test func redactWithoutCustomerIsRejected() throws {
        let payload = try ShopifyFixture.payload(.customersRedact).setting(["customer"], to: nil)
        #expect(ShopifyFixture.failure(.customersRedact, payload)?.errors.map(\.field) == ["customer"])
    }
}
