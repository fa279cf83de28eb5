import Foundation
import PatronCore
import Testing

@testable import PatronEngine

@Suite("Demo store generator")
struct DemoStoreGeneratorTests {
    static let now = Date(timeIntervalSince1970: 1_750_000_000)  // 2025-06-15T15:06:40Z
    static let day: TimeInterval = 86_400
    /// Generated once and shared: the suite only reads it.
    static let data = DemoStoreGenerator(seed: 42, now: now, customerCount: 500).generate()

    var data: DemoData { Self.data }
    var now: Date { Self.now }

    // MARK: - Determinism

    @Test func sameSeedAndNowGiveIdenticalData() {
        let again = DemoStoreGenerator(seed: 42, now: now, customerCount: 500).generate()
        #expect(again.customers.map(\.email) == data.customers.map(\.email))
        #expect(again.orders.map(\.total) == data.orders.map(\.total))
        #expect(again.customers == data.customers)
        #expect(again.products == data.products)
        #expect(again.orders == data.orders)
        #expect(again.shipments == data.shipments)
        #expect(again.events == data.events)
    }

    @Test func differentSeedGivesDifferentData() {
        let other = DemoStoreGenerator(seed: 43, now: now, customerCount: 500).generate()
        #expect(other.customers.map(\.email) != data.customers.map(\.email))
        #expect(other.orders.map(\.total) != data.orders.map(\.total))
    }

    @Test func randomGeneratorIsPinned() {
        // Fixed values: a change here changes every demo store.
        var random = DemoRandom(seed: 42)
        #expect(random.next() == 1_546_998_764_402_558_742)
        #expect(random.next() == 6_990_951_692_964_543_102)
        #expect(random.next() == 12_544_586_762_248_559_009)
        for x in [1e-9, 0.001, 0.5, 1.5, 10, 12_345.678] {
            #expect(abs(DemoMath.ln(x) - Foundation.log(x)) <= 1e-14 * max(1, abs(Foundation.log(x))))
        }
        for x in [-20.0, -1, 0, 0.5, 3.3, 50] {
            #expect(abs(DemoMath.exp(x) - Foundation.exp(x)) <= 1e-14 * Foundation.exp(x))
        }
    }

    // MARK: - Customers

    @Test func emailsAreUniqueValidAndReserved() {
        let emails = data.customers.compactMap(\.email)
        #expect(emails.count == data.customers.count)
        #expect(Set(emails).count == emails.count)
        for email in emails {
            #expect(EmailAddress.isValid(email), "\(email)")
            #expect(
                email.hasSuffix("@example.com") || email.hasSuffix("@example.org") || email.hasSuffix("@example.net"))
        }
        #expect(Set(data.customers.compactMap(\.externalId)).count == data.customers.count)
        #expect(data.customers.first?.externalId == "cus_0001")
    }

    @Test func customerProfilesLookReal() throws {
        let customers = data.customers
        let count = Double(customers.count)
        let phones = customers.compactMap(\.phone)
        #expect((0.3...0.5).contains(Double(phones.count) / count))
        for phone in phones {
            #expect(phone.hasPrefix("+") && phone.dropFirst().allSatisfy(\.isNumber) && (9...16).contains(phone.count))
        }
        let birthdays = customers.compactMap(\.birthday)
        #expect((0.25...0.45).contains(Double(birthdays.count) / count))
        #expect(birthdays.contains { $0.year == nil })
        let emailSubscribed = customers.filter {
            $0.consents.contains { $0.channel == .email && $0.state == .subscribed }
        }
        #expect((0.5...0.7).contains(Double(emailSubscribed.count) / count))
        let sms = customers.filter { $0.consents.contains { $0.channel == .sms && $0.state == .subscribed } }
        #expect((0.08...0.22).contains(Double(sms.count) / count))
        #expect(sms.allSatisfy { $0.phone != nil })
        for customer in customers {
            let zone = try #require(customer.timeZone)
            #expect(TimeZone(identifier: zone) != nil, "\(zone)")
            #expect(customer.country?.count == 2)
            #expect(customer.consents.allSatisfy { $0.source == "demo" && $0.recordedAt != nil })
            let createdAt = try #require(customer.createdAt)
            #expect(createdAt <= now && createdAt >= now.addingTimeInterval(-732 * Self.day))
        }
        #expect(Set(customers.compactMap(\.country)).count >= 8)
    }

    // MARK: - Products

    @Test func catalogueHasCategoriesVariantsAndConsumables() throws {
        #expect((100...140).contains(data.products.count))
        #expect(Set(data.products.compactMap(\.category)).count == 8)
        #expect(data.products.contains { $0.status == .archived })
        #expect(data.products.filter { $0.tags?.contains("consumable") == true }.count >= 15)
        var skus = Set<String>()
        for product in data.products {
            let url = try #require(product.url)
            #expect(url.hasPrefix("https://shop.example.com/products/"))
            #expect(product.imageUrl?.hasPrefix("https://images.example.com/") == true)
            #expect(product.currency == .usd)
            let variants = try #require(product.variants)
            #expect(!variants.isEmpty)
            for variant in variants {
                let price = try #require(variant.price)
                #expect((4_00...180_00).contains(price), "\(product.title ?? "") \(price)")
                if let compareAt = variant.compareAtPrice { #expect(compareAt > price) }
                let sku = try #require(variant.sku)
                #expect(skus.insert(sku).inserted, "duplicate sku \(sku)")
            }
        }
        let variants = data.products.flatMap { $0.variants ?? [] }
        #expect(variants.contains { $0.stock == 0 })
        #expect(variants.contains { $0.options["color"] != nil && $0.options["size"] != nil })
    }

    // MARK: - Orders

    @Test func orderMoneyIsConsistent() throws {
        for order in data.orders {
            let subtotal = try #require(order.subtotal)
            let total = try #require(order.total)
            #expect(
                total == subtotal - order.discountTotal + order.shippingTotal + order.taxTotal, "\(order.externalId)")
            #expect(subtotal == order.lineItems.reduce(0) { $0 + $1.unitPrice * $1.quantity })
            #expect(order.lineItems.allSatisfy { $0.discount == 0 && $0.lineTotal == $0.unitPrice * $0.quantity })
            #expect(order.taxTotal == order.lineItems.reduce(0) { $0 + $1.tax })
            #expect(order.discountTotal == order.discountCodes.reduce(0) { $0 + $1.amount })
            let discounted = subtotal - order.discountTotal
            #expect(order.shippingTotal == (discounted >= 75_00 ? 0 : 5_95))
            #expect(order.taxTotal == (discounted * 8 + 50) / 100)
            #expect((1...4).contains(order.lineItems.count))
            #expect(order.currency == .usd)
            #expect(order.computedTotal == total)
            for refund in order.refunds {
                #expect(refund.amount > 0 && refund.amount <= total)
                #expect(refund.createdAt > order.placedAt && refund.createdAt <= now)
                #expect(!refund.lineItems.isEmpty)
            }
        }
        let discounted = data.orders.filter { !$0.discountCodes.isEmpty }
        #expect((0.12...0.3).contains(Double(discounted.count) / Double(data.orders.count)))
        #expect(Set(discounted.map { $0.discountCodes[0].code }) == ["WELCOME10", "SUMMER15", "VIP20"])
    }

    @Test func orderStatusesMatchCancellationsRefundsAndShipments() {
        let shipped = Set(data.shipments.compactMap(\.orderExternalId))
        let dayAgo = now.addingTimeInterval(-Self.day)
        var cancelled = 0
        var refunded = 0
        for order in data.orders {
            if order.cancelledAt != nil {
                cancelled += 1
                #expect(order.financialStatus == .voided && order.cancelReason == "customer")
                #expect(!shipped.contains(order.externalId))
                continue
            }
            if order.placedAt < dayAgo { #expect(shipped.contains(order.externalId), "\(order.externalId)") }
            #expect((order.fulfillmentStatus == .fulfilled) == shipped.contains(order.externalId))
            if let refund = order.refunds.first {
                refunded += 1
                let total = order.total ?? 0
                #expect(order.financialStatus == (refund.amount == total ? .refunded : .partiallyRefunded))
            } else {
                #expect(order.financialStatus == .paid)
            }
        }
        let count = Double(data.orders.count)
        #expect((0.01...0.06).contains(Double(cancelled) / count))
        #expect((0.02...0.1).contains(Double(refunded) / count))
        let waiting = data.orders.filter { $0.fulfillmentStatus == .unfulfilled && $0.cancelledAt == nil }
        #expect(waiting.allSatisfy { $0.placedAt >= dayAgo }, "only orders of the last day wait for a shipment")
    }

    @Test func ordersSpanTwoYearsInOrder() throws {
        let first = try #require(data.orders.first)
        let last = try #require(data.orders.last)
        #expect(first.placedAt >= now.addingTimeInterval(-731 * Self.day))
        #expect(first.placedAt <= now.addingTimeInterval(-690 * Self.day))
        #expect(last.placedAt <= now && last.placedAt >= now.addingTimeInterval(-3 * Self.day))
        #expect(zip(data.orders, data.orders.dropFirst()).allSatisfy { $0.placedAt <= $1.placedAt })
        #expect(first.number == "#1001")
        #expect(Set(data.orders.map(\.externalId)).count == data.orders.count)
        #expect((700...1_700).contains(data.orders.count), "\(data.orders.count) orders for 500 customers")
    }

    @Test func repeatBuyersAreARealisticShare() {
        let counts = ordersPerCustomer()
        let buyers = counts.count
        let repeaters = counts.values.filter { $0 >= 2 }.count
        let share = Double(repeaters) / Double(buyers)
        #expect((0.2...0.4).contains(share), "repeat share \(share)")
        #expect(counts.values.contains { $0 >= 8 }, "some loyal customers")
        #expect(counts.values.allSatisfy { $0 <= 20 })
        #expect(buyers < data.customers.count, "some customers never order")
        let known = Set(data.customers.compactMap(\.externalId))
        #expect(counts.keys.allSatisfy { known.contains($0) })
    }

    @Test func holidaySeasonPeaks() {
        // Every complete December in the data outsells the September and October before it.
        var perMonth: [String: Int] = [:]
        for order in data.orders { perMonth[String(Timestamp.format(order.placedAt).prefix(7)), default: 0] += 1 }
        let lastMonth = String(Timestamp.format(now).prefix(7))
        var checked = 0
        for (month, december) in perMonth where month.hasSuffix("-12") && month < lastMonth {
            let year = month.prefix(4)
            guard let september = perMonth["\(year)-09"], let october = perMonth["\(year)-10"] else { continue }
            #expect(Double(december) > 1.3 * Double(september + october) / 2, "\(month): \(december) orders")
            checked += 1
        }
        #expect(checked >= 1)
    }

    @Test func consumablesAreBoughtAgain() {
        let consumables = Set(data.products.filter { $0.tags?.contains("consumable") == true }.map(\.externalId))
        var purchases: [String: Int] = [:]
        for order in data.orders {
            for productId in Set(order.lineItems.compactMap(\.productExternalId)) {
                purchases[(order.customer.externalId ?? "") + "|" + productId, default: 0] += 1
            }
        }
        var consumablePairs = 0
        var consumableRepeats = 0
        var durablePairs = 0
        var durableRepeats = 0
        for (key, count) in purchases {
            let productId = String(key.split(separator: "|").last ?? "")
            if consumables.contains(productId) {
                consumablePairs += 1
                if count >= 2 { consumableRepeats += 1 }
            } else {
                durablePairs += 1
                if count >= 2 { durableRepeats += 1 }
            }
        }
        #expect(consumableRepeats >= 40, "\(consumableRepeats) repeated consumable purchases")
        let consumableRate = Double(consumableRepeats) / Double(max(1, consumablePairs))
        let durableRate = Double(durableRepeats) / Double(max(1, durablePairs))
        #expect(consumableRate > 3 * durableRate, "consumables \(consumableRate) vs durables \(durableRate)")
    }

    // MARK: - Shipments

    @Test func shipmentsBelongToOrdersAndTrackInOrder() throws {
        let orders = Dictionary(uniqueKeysWithValues: data.orders.map { ($0.externalId, $0) })
        #expect(Set(data.shipments.map(\.externalId)).count == data.shipments.count)
        for shipment in data.shipments {
            let orderId = try #require(shipment.orderExternalId)
            let order = try #require(orders[orderId])
            #expect(order.cancelledAt == nil)
            #expect(shipment.carrier != nil && shipment.trackingNumber != nil)
            #expect(shipment.trackingUrl?.hasPrefix("https://") == true)
            #expect(shipment.estimatedDeliveryAt != nil)
            let shippedAt = try #require(shipment.shippedAt)
            #expect(shippedAt >= order.placedAt && shippedAt <= now)
            #expect(shipment.events.first?.status == .labelCreated)
            #expect(shipment.status == shipment.events.last?.status)
            #expect(zip(shipment.events, shipment.events.dropFirst()).allSatisfy { $0.occurredAt <= $1.occurredAt })
            #expect(shipment.events.allSatisfy { $0.occurredAt <= now })
            #expect((shipment.status == .delivered) == (shipment.deliveredAt != nil))
        }
        let statuses = Set(data.shipments.compactMap(\.status))
        #expect(statuses.contains(.delivered) && statuses.contains(.failure))
        #expect(statuses.contains(.inTransit) || statuses.contains(.labelCreated), "recent parcels are on their way")
        let events = Set(data.shipments.flatMap { $0.events.map(\.status) })
        #expect(events.isSuperset(of: [.outForDelivery, .delayed, .attemptedDelivery]))
        let carriers = Set(data.shipments.compactMap(\.carrier))
        #expect(carriers.isSuperset(of: ["UPS", "USPS", "FedEx", "DHL", "Royal Mail"]))
    }

    // MARK: - Events

    @Test func eventsReferenceRealProductsAndCustomers() throws {
        let productIds = Set(data.products.map(\.externalId))
        let customerIds = Set(data.customers.compactMap(\.externalId))
        let perCustomer = Double(data.events.count) / Double(data.customers.count)
        #expect((10...25).contains(perCustomer), "\(perCustomer) events per customer")
        #expect(Set(data.events.map(\.messageId)).count == data.events.count)
        #expect(data.events.first?.messageId == "demo-evt-000001")
        #expect(zip(data.events, data.events.dropFirst()).allSatisfy { $0.occurredAt <= $1.occurredAt })
        var anonymous = 0
        for event in data.events {
            #expect(event.source == .demo)
            #expect(event.occurredAt <= now)
            #expect(event.productExternalIds.allSatisfy { productIds.contains($0) }, "\(event.messageId)")
            if let id = event.properties["product_id"]?.stringValue { #expect(productIds.contains(id)) }
            if let customerId = event.customer.externalId {
                #expect(customerIds.contains(customerId))
            } else {
                let anonymousId = try #require(event.customer.anonymousId)
                #expect(anonymousId.hasPrefix("anon-"))
                anonymous += 1
            }
        }
        #expect(anonymous > 0)
        let types = Set(data.events.map(\.type))
        #expect(
            types == [
                "Product Viewed", "Product Added", "Product Removed", "Checkout Started", "Product Added to Wishlist",
                "Products Searched", "Product Reviewed",
            ])
    }

    @Test func eventPropertiesFollowTheEcommerceSpec() throws {
        let viewed = try #require(data.events.first { $0.type == "Product Viewed" })
        for key in ["product_id", "sku", "name", "price", "category", "quantity"] {
            #expect(viewed.properties[key] != nil, "missing \(key)")
        }
        guard case .double = viewed.properties["price"] else {
            Issue.record("price should be a decimal number")
            return
        }
        let search = try #require(data.events.first { $0.type == "Products Searched" })
        #expect(search.properties["query"]?.stringValue?.isEmpty == false)
        let review = try #require(data.events.first { $0.type == "Product Reviewed" })
        #expect(review.properties["review_body"]?.stringValue != nil)
        if case .int(let rating) = review.properties["rating"] {
            #expect((1...5).contains(rating))
        } else {
            Issue.record("rating should be an integer")
        }
        // Checkouts that led to an order name it; abandoned ones do not.
        let checkouts = data.events.filter { $0.type == "Checkout Started" }
        let orderIds = Set(data.orders.map(\.externalId))
        let completed = checkouts.compactMap { $0.properties["order_id"]?.stringValue }
        #expect(!completed.isEmpty && completed.allSatisfy { orderIds.contains($0) })
        #expect(checkouts.contains { $0.properties["order_id"] == nil }, "some checkouts are abandoned")
        let lastDay = now.addingTimeInterval(-2 * Self.day)
        #expect(data.events.contains { $0.type == "Product Added" && $0.occurredAt >= lastDay }, "recent carts")
    }

    @Test func emptyStoreIsFine() {
        let empty = DemoStoreGenerator(seed: 1, now: now, customerCount: 0).generate()
        #expect(empty.customers.isEmpty && empty.orders.isEmpty && empty.shipments.isEmpty && empty.events.isEmpty)
        #expect(!empty.products.isEmpty)
    }

    private func ordersPerCustomer() -> [String: Int] {
        var counts: [String: Int] = [:]
        for order in data.orders { counts[order.customer.externalId ?? "", default: 0] += 1 }
        return counts
    }
}
