import Foundation
import PatronCore
import Testing

@testable import PatronEngine

@Suite struct CSVHeaderTests {
    @Test func headerNamesNormaliseToSnakeCase() {
        #expect(CSVHeader.normalize("Customer ID") == "customer_id")
        #expect(CSVHeader.normalize("CustomerID") == "customer_id")
        #expect(CSVHeader.normalize("InvoiceNo") == "invoice_no")
        #expect(CSVHeader.normalize("externalId") == "external_id")
        #expect(CSVHeader.normalize(" EXTERNAL-ID ") == "external_id")
        #expect(CSVHeader.normalize("Option1 Name") == "option1_name")
        #expect(CSVHeader.normalize("HTTPStatus") == "http_status")
    }
}

@Suite struct CSVMapperTests {
    func run(_ kind: ImportKind, _ text: String) -> (operations: [IngestOperation], mapper: any CSVImportMapper) {
        var mapper = kind.makeMapper()
        let (operations, _) = mapper.map(text: text)
        return (operations, mapper)
    }

    func date(_ text: String) -> Date? { Timestamp.parse(text) }

    func reason(_ mapper: any CSVImportMapper, line: Int) -> String {
        mapper.rejections.first { $0.line == line }?.reason ?? "(no rejection)"
    }

    // MARK: customers

    @Test func customersMapEveryColumnAndKeepUnknownOnesAsProperties() throws {
        let text = """
            External ID,Email,First Name,Last Name,Phone,Country,Time Zone,Birthday,Tags,Email Consent,SMS Consent,\
            Created At,Loyalty Tier
            c1,Ana@Example.com,Ana,Lopez,+1 (415) 555-0123,us,Europe/Paris,1990-05-01,vip; early|beta,subscribed,no,\
            2024-01-02T03:04:05Z,gold
            ,bo@example.com,Bo,,,,,--12-24,,,,,

            """
        let (operations, mapper) = run(.customers, text)
        #expect(mapper.rejections.isEmpty)
        #expect(mapper.summary.rows == 2)
        #expect(mapper.summary.customers == 2)
        guard case .customer(let ana) = operations.first, case .customer(let bo) = operations.last else {
            Issue.record("expected two customers, got \(operations)")
            return
        }
        #expect(ana.externalId == "c1")
        #expect(ana.email == "Ana@Example.com")
        #expect(ana.firstName == "Ana")
        #expect(ana.lastName == "Lopez")
        #expect(ana.phone == "+14155550123")
        #expect(ana.country == "US")
        #expect(ana.timeZone == "Europe/Paris")
        #expect(ana.birthday == CalendarDate(year: 1990, month: 5, day: 1))
        #expect(ana.tags == ["vip", "early", "beta"])
        #expect(ana.createdAt == date("2024-01-02T03:04:05Z"))
        #expect(ana.properties == ["loyalty_tier": "gold"])
        #expect(ana.consents.map(\.channel) == [.email, .sms])
        #expect(ana.consents.map(\.state) == [.subscribed, .unsubscribed])
        #expect(ana.consents.allSatisfy { $0.source == "csv" })
        #expect(bo.externalId == nil)
        #expect(bo.email == "bo@example.com")
        #expect(bo.birthday == CalendarDate(year: nil, month: 12, day: 24))
        #expect(bo.properties == nil)
    }

    @Test func customerRejectionsNameTheColumn() {
        let text = """
            external_id,email,birthday,email_consent,country
            c1,not-an-email,,,
            ,,,,FR
            c3,,1990-13-01,maybe,
            c4,,,,,extra
            c5,,,,GB
            """
        let (operations, mapper) = run(.customers, text)
        #expect(operations.count == 1)
        #expect(mapper.summary.rejected == 4)
        #expect(mapper.rejections.map(\.line) == [2, 3, 4, 5])
        #expect(reason(mapper, line: 2).hasPrefix("email: expected an e-mail address"))
        #expect(reason(mapper, line: 3).hasPrefix("external_id: is required when there is no email"))
        #expect(reason(mapper, line: 4).contains("birthday: expected a date as YYYY-MM-DD"))
        #expect(reason(mapper, line: 4).contains("email_consent: expected subscribed, unsubscribed or pending"))
        #expect(reason(mapper, line: 5).hasPrefix("row: expected 5 fields"))
    }

    @Test func aHeaderWithoutIdentityColumnsStopsTheImport() {
        let (operations, mapper) = run(.customers, "name,phone\nAna,+14155550123\n")
        #expect(operations.isEmpty)
        #expect(mapper.headerError?.line == 1)
        #expect(mapper.summary.rows == 0)
    }

    // MARK: products

    @Test func productRowsMergeIntoVariantsWithExactMinorUnits() throws {
        let text = """
            product_external_id,title,vendor,variant_external_id,sku,option1_name,option1_value,size,price,\
            compare_at_price,currency,stock,tags
            p1,Tee,Acme,p1-s,TEE-S,Color,Red,S,19.99,25,USD,5,summer;cotton
            p2,Mug,,,,,,,8.5,,EUR,,
            p1,,Other,p1-m,TEE-M,Color,Red,M,19.99,,,3,
            """
        let (operations, mapper) = run(.products, text)
        #expect(mapper.rejections.isEmpty)
        #expect(mapper.summary.products == 2)
        guard case .product(let tee) = operations.first, case .product(let mug) = operations.last else {
            Issue.record("expected two products, got \(operations)")
            return
        }
        #expect(tee.externalId == "p1")
        #expect(tee.title == "Tee")
        #expect(tee.vendor == "Acme")
        #expect(tee.currency == .usd)
        #expect(tee.tags == ["summer", "cotton"])
        let variants = try #require(tee.variants)
        #expect(variants.map(\.externalId) == ["p1-s", "p1-m"])
        #expect(variants.map(\.price) == [1999, 1999])
        #expect(variants[0].compareAtPrice == 2500)
        #expect(variants[0].stock == 5)
        #expect(variants[0].sku == "TEE-S")
        #expect(variants[0].options == ["Color": "Red", "Size": "S"])
        #expect(variants[1].options == ["Color": "Red", "Size": "M"])
        #expect(mug.currency == .eur)
        #expect(mug.variants?.map(\.externalId) == ["p2"])
        #expect(mug.variants?.first?.price == 850)
    }

    @Test func productRejectionsNameTheColumn() {
        let text = """
            product_external_id,variant_external_id,price,currency,status,stock
            p1,p1-a,10,USD,active,1
            p1,p1-a,11,USD,,
            p3,,12.00,,,
            p1,p1-b,21.50,EUR,,
            p4,,1.999,USD,,
            ,x,1,USD,,
            p5,,1,USD,live,many
            """
        let (operations, mapper) = run(.products, text)
        #expect(operations.count == 1)
        #expect(mapper.rejections.map(\.line) == [3, 4, 5, 6, 7, 8])
        #expect(reason(mapper, line: 3).hasPrefix("variant_external_id: variant p1-a of product p1 already appears"))
        #expect(reason(mapper, line: 4) == "currency: is required when a price is given")
        #expect(reason(mapper, line: 5).hasPrefix("currency: expected USD as on line 2"))
        #expect(reason(mapper, line: 6).hasPrefix("price: expected a decimal amount such as 19.99 with at most 2"))
        #expect(reason(mapper, line: 7) == "product_external_id: is required")
        #expect(reason(mapper, line: 8).contains("status: expected one of active, draft, archived"))
        #expect(reason(mapper, line: 8).contains("stock: expected an integer"))
    }

    // MARK: orders

    @Test func orderRowsGroupIntoOrdersAndBadRowsAreRejectedAlone() throws {
        let text = """
            order_external_id,customer_external_id,email,currency,placed_at,financial_status,sku,title,quantity,\
            unit_price,line_discount,shipping_total,total,discount_code,discount_total
            1001,c1,,USD,2024-05-01T12:30:00Z,paid,TEE-S,Tee,2,19.99,1.00,4.95,43.93,SPRING,0.50
            1002,,guest@example.com,EUR,2024-05-02 10:00:00,,MUG,Mug,1,8.50,,,,,
            1001,,,,,,TEE-M,Tee M,0,19.99,,,,,
            1003,c2,,usd,not-a-date,,X,X,1,1.00,,,,,
            1003,,,,,,Y,Y,1,2.00,,,,,
            1001,,,,,,MUG,Mug,1,8.50,,,,,
            1002,,,USD,,,CAP,Cap,1,5,,,,,
            1004,c3,,USD,2024-05-03T00:00:00Z,,,,1,abc,,,,,
            ,c1,,USD,2024-05-03T00:00:00Z,,A,A,1,1,,,,,
            """
        let (operations, mapper) = run(.orders, text)
        #expect(mapper.summary.rows == 9)
        #expect(mapper.summary.orders == 2)
        #expect(mapper.rejections.map(\.line) == [4, 5, 6, 8, 9, 10])
        #expect(reason(mapper, line: 4) == "quantity: expected an integer from 1 to 1000000000, got 0")
        #expect(reason(mapper, line: 5).hasPrefix("placed_at: expected an ISO-8601 date-time"))
        #expect(reason(mapper, line: 6) == "order_external_id: order 1003 was rejected on line 5")
        #expect(reason(mapper, line: 8).hasPrefix("currency: expected EUR as on line 3"))
        #expect(reason(mapper, line: 9).contains("unit_price: expected a decimal amount"))
        #expect(reason(mapper, line: 9).contains("title: is required when there is no sku or product_external_id"))
        #expect(reason(mapper, line: 10) == "order_external_id: is required")

        guard case .order(let first) = operations.first, case .order(let second) = operations.last else {
            Issue.record("expected two orders, got \(operations)")
            return
        }
        #expect(first.externalId == "1001")
        #expect(first.customer == CustomerRef(externalId: "c1"))
        #expect(first.currency == .usd)
        #expect(first.placedAt == date("2024-05-01T12:30:00Z"))
        #expect(first.financialStatus == .paid)
        #expect(first.shippingTotal == 495)
        #expect(first.total == 4393)
        #expect(first.discountTotal == 50)
        #expect(first.discountCodes == [DiscountInput(code: "SPRING", amount: 50)])
        #expect(first.lineItems.map(\.sku) == ["TEE-S", "MUG"])
        #expect(first.lineItems.map(\.quantity) == [2, 1])
        #expect(first.lineItems.map(\.unitPrice) == [1999, 850])
        #expect(first.lineItems.map(\.discount) == [100, 0])
        #expect(second.externalId == "1002")
        #expect(second.customer == CustomerRef(email: "guest@example.com"))
        #expect(second.currency == .eur)
        #expect(second.placedAt == date("2024-05-02T10:00:00Z"))
        #expect(second.lineItems.count == 1)
    }

    @Test func anOrdersHeaderWithoutCurrencyStopsTheImport() {
        var mapper = ImportKind.orders.makeMapper()
        mapper.consume(record: ["Order External ID", "Placed At", "Quantity", "Unit Price"], line: 1)
        #expect(mapper.headerError?.reason == "header: missing required column currency")
        mapper.consume(record: ["1", "2024-01-01", "1", "1"], line: 2)
        mapper.finish()
        #expect(mapper.drain().isEmpty)
        #expect(mapper.summary.rows == 0)
    }

    @Test func everyKindMakesItsMapper() {
        #expect(ImportKind(rawValue: "online-retail") == .onlineRetail)
        #expect(ImportKind.onlineRetail.makeMapper() is OnlineRetailMapper)
        #expect(ImportKind.customers.makeMapper() is CustomerCSVMapper)
        #expect(ImportKind.products.makeMapper() is ProductCSVMapper)
        #expect(ImportKind.orders.makeMapper() is OrderCSVMapper)
    }
}

@Suite struct OnlineRetailMapperTests {
    static let sample = """
        InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
        536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom
        536365,POST,POSTAGE,1,2010-12-01 08:26:00,18,17850.0,United Kingdom
        536366,85123a,"HEART HOLDER, WHITE ",2,12/2/2010 9:00,2.65,17850.0,United Kingdom
        536367,22423,REGENCY CAKESTAND 3 TIER,1,2010-12-02 10:00:00,12.75,,EIRE
        C536368,85123A,WHITE HANGING HEART T-LIGHT HOLDER,-3,2010-12-03 10:00:00,2.65,17850.0,United Kingdom
        C536369,22423,REGENCY CAKESTAND 3 TIER,-1,2010-12-03 11:00:00,12.75,,EIRE
        C536370,21730,GLASS STAR FROSTED T-LIGHT HOLDER,-2,2010-12-03 12:00:00,4.25,13047.0,Channel Islands
        536371,22728,ALARM CLOCK BAKELIKE PINK,4,2010-12-04 09:00:00,0.0,13047.0,Channel Islands
        536372,22960,JAM MAKING SET WITH JARS,0,2010-12-04 09:00:00,4.25,13047.0,Channel Islands
        536373,22961,JAM MAKING SET PRINTED,2,2010-12-04 09:00:00,1.45,13047.0,Channel Islands
        536374,22962,JAR,1,yesterday,1.x5,13047.5,Channel Islands

        """

    func date(_ text: String) -> Date? { Timestamp.parse(text) }

    @Test func mapsCustomersProductsOrdersAndRefunds() throws {
        var mapper = OnlineRetailMapper()
        let (operations, problems) = mapper.map(text: Self.sample)
        #expect(problems.isEmpty)
        let summary = mapper.summary
        #expect(summary.rows == 11)
        #expect(summary.customers == 2)
        #expect(summary.products == 3)
        #expect(summary.orders == 4)
        #expect(summary.refunds == 1)
        #expect(summary.rejected == 3)
        #expect(summary.skipped == 2)

        let customers = operations.compactMap { if case .customer(let value) = $0 { value } else { nil } }
        let products = operations.compactMap { if case .product(let value) = $0 { value } else { nil } }
        let orders = operations.compactMap { if case .order(let value) = $0 { value } else { nil } }
        let refunds = operations.compactMap { if case .refund(let value) = $0 { value } else { nil } }

        #expect(customers.map(\.externalId) == ["17850", "13047"])
        #expect(customers[0].country == "GB")
        #expect(customers[0].createdAt == date("2010-12-01T08:26:00Z"))
        #expect(customers[1].country == nil)
        #expect(customers[1].properties == ["country_name": "Channel Islands"])

        // POST is a charge: a line item but no product; the lower-case code joins its upper-case product.
        #expect(products.map(\.externalId) == ["85123A", "22423", "22961"])
        #expect(products[0].title == "HEART HOLDER, WHITE")
        #expect(products[0].currency == .gbp)
        #expect(products[0].variants?.map(\.price) == [265])
        #expect(products[0].variants?.map(\.externalId) == ["85123A"])

        #expect(orders.map(\.externalId) == ["536365", "536366", "536367", "536373"])
        let first = orders[0]
        #expect(first.customer == CustomerRef(externalId: "17850"))
        #expect(first.currency == .gbp)
        #expect(first.financialStatus == .paid)
        #expect(first.placedAt == date("2010-12-01T08:26:00Z"))
        #expect(first.lineItems.map(\.externalId) == ["536365-1", "536365-2"])
        #expect(first.lineItems.map(\.productExternalId) == ["85123A", nil])
        #expect(first.lineItems.map(\.sku) == ["85123A", "POST"])
        #expect(first.lineItems.map(\.unitPrice) == [255, 1800])
        #expect(first.lineItems.map(\.quantity) == [6, 1])
        #expect(orders[1].placedAt == date("2010-12-02T09:00:00Z"))
        #expect(orders[2].customer.isEmpty)

        #expect(refunds.count == 1)
        let refund = try #require(refunds.first)
        #expect(refund.externalId == "C536368-85123A")
        #expect(refund.orderExternalId == "536366")
        #expect(refund.amount == 795)
        #expect(refund.currency == .gbp)
        #expect(refund.createdAt == date("2010-12-03T10:00:00Z"))
        #expect(refund.lineItems.map(\.quantity) == [3])
        #expect(refund.lineItems.map(\.lineItemExternalId) == ["536366-1"])

        #expect(mapper.skipped.map(\.line) == [7, 8])
        #expect(mapper.skipped[0].reason.contains("no CustomerID"))
        #expect(mapper.skipped[1].reason.contains("no earlier invoice of customer 13047 has stock code 21730"))
        #expect(mapper.rejections.map(\.line) == [9, 10, 12])
        #expect(mapper.rejections[0].reason == "UnitPrice: expected a price above zero on sale invoice 536371, got 0.0")
        #expect(mapper.rejections[1].reason == "Quantity: expected a non-zero quantity, got 0")
        let bad = mapper.rejections[2].reason
        #expect(bad.contains("InvoiceDate: expected a date-time"))
        #expect(bad.contains("UnitPrice: expected a GBP amount"))
        #expect(bad.contains("CustomerID: expected a whole customer number"))
    }

    @Test func streamingByteByByteMatchesTheWholeText() {
        var whole = OnlineRetailMapper()
        let expected = whole.map(text: Self.sample).operations

        var mapper = OnlineRetailMapper()
        var reader = CSVReader()
        var operations: [IngestOperation] = []
        for byte in Self.sample.utf8 {
            reader.feed([byte]) { mapper.consume(record: $0, line: $1) }
            operations.append(contentsOf: mapper.drain())
        }
        reader.finish { mapper.consume(record: $0, line: $1) }
        mapper.finish()
        operations.append(contentsOf: mapper.drain())
        #expect(operations == expected)
        #expect(mapper.rejections == whole.rejections)
        #expect(mapper.skipped == whole.skipped)
    }

    @Test func cancellationMatchesTheMostRecentEarlierInvoice() throws {
        let text = """
            InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
            100,A1,Thing,5,2011-01-01 10:00:00,1.00,1,USA
            101,A1,Thing,5,2011-01-05 10:00:00,1.10,1,USA
            C102,A1,Thing,-2,2011-01-04 10:00:00,1.00,1,USA
            C102,A1,Thing,-1,2011-01-04 10:00:00,1.00,1,USA
            C103,A1,Thing,-1,2011-01-06 10:00:00,1.10,1,USA
            """
        var mapper = OnlineRetailMapper()
        let operations = mapper.map(text: text).operations
        let refunds = operations.compactMap { if case .refund(let value) = $0 { value } else { nil } }
        #expect(refunds.map(\.externalId) == ["C102-A1", "C103-A1"])
        #expect(refunds.map(\.orderExternalId) == ["100", "101"])
        #expect(refunds.map(\.amount) == [300, 110])
        #expect(refunds.first?.lineItems.map(\.quantity) == [3])
        let customer = operations.compactMap { if case .customer(let value) = $0 { value } else { nil } }.first
        #expect(customer?.country == "US")
    }

    @Test func firstRowsOfTheRealFile() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/online-retail-sample.csv")
        let data = try Data(contentsOf: url)
        var mapper = OnlineRetailMapper()
        var reader = CSVReader()
        var operations: [IngestOperation] = []
        let bytes = [UInt8](data)
        for start in stride(from: 0, to: bytes.count, by: 4_096) {
            reader.feed(Array(bytes[start..<min(bytes.count, start + 4_096)])) { mapper.consume(record: $0, line: $1) }
        }
        reader.finish { mapper.consume(record: $0, line: $1) }
        mapper.finish()
        operations.append(contentsOf: mapper.drain())
        var expected = CSVImportSummary()
        expected.rows = 200
        expected.customers = 15
        expected.products = 153
        expected.orders = 23
        expected.skipped = 2
        #expect(mapper.summary == expected)
        #expect(mapper.headerError == nil)
        let orders = operations.compactMap { if case .order(let value) = $0 { value } else { nil } }
        #expect(orders.reduce(0) { $0 + $1.lineItems.count } == 198)
        #expect(orders.reduce(0) { $0 + $1.computedTotal } == 884_580)
        let withComma = orders.flatMap(\.lineItems).first { $0.sku == "82567" }
        #expect(withComma?.title == "AIRLINE LOUNGE,METAL SIGN")
    }
}
