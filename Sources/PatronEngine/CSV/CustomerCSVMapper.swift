import Foundation
import PatronCore

/// Customers, one per row. Columns (any case, snake_case or spaced): external_id, email, first_name,
/// last_name, phone, country, time_zone, birthday, tags (`;` or `|` separated), email_consent,
/// sms_consent (subscribed/unsubscribed/pending), created_at, updated_at. A row needs external_id or
/// email. Other non-empty columns go into `properties` under their snake_case key, as strings.
/// A row with any bad cell is rejected whole; customers are ready as soon as their row is read.
public struct CustomerCSVMapper: CSVImportMapper {
    static let columns: Set<String> = [
        "external_id", "email", "first_name", "last_name", "phone", "country", "time_zone", "birthday", "tags",
        "email_consent", "sms_consent", "created_at", "updated_at",
    ]

    public private(set) var headerError: CSVRejection?
    public private(set) var rejections: [CSVRejection] = []
    public var skipped: [CSVRejection] { [] }
    public private(set) var summary = CSVImportSummary()
    /// The source recorded on consents.
    public let consentSource: String

    private var header: CSVHeader?
    private var ready: [IngestOperation] = []
    private var propertyColumns: [Int] = []

    public init(consentSource: String = DataSource.csv.rawValue) {
        self.consentSource = consentSource
    }

    public mutating func consume(record: [String], line: Int) {
        guard headerError == nil else { return }
        guard let header else {
            let header = CSVHeader(record, line: line)
            if header.keys.contains("external_id") || header.keys.contains("email") {
                headerError = header.problem(required: [], known: Self.columns)
            } else {
                headerError = CSVRejection(line: line, reason: "header: expected an external_id or an email column")
            }
            propertyColumns = header.keys.indices.filter { index in
                let key = header.keys[index]
                return !key.isEmpty && !Self.columns.contains(key) && header.index(key) == index
            }
            self.header = header
            return
        }
        guard !isBlankRecord(record) else { return }
        summary.rows += 1
        var reader = CSVFieldReader(header: header, record: record)
        reader.checkWidth()
        let customer = read(&reader, header: header)
        guard reader.errors.isEmpty else {
            rejections.append(CSVRejection(line: line, reason: reader.reason))
            summary.rejected += 1
            return
        }
        ready.append(.customer(customer))
        summary.customers += 1
    }

    public mutating func drain() -> [IngestOperation] {
        defer { ready = [] }
        return ready
    }

    public mutating func finish() {
        if header == nil, headerError == nil {
            headerError = CSVRejection(line: 1, reason: "the file is empty: expected a header row")
        }
    }

    private func read(_ reader: inout CSVFieldReader, header: CSVHeader) -> CustomerInput {
        var customer = CustomerInput(externalId: reader.identifier("external_id"), email: reader.email("email"))
        if customer.externalId == nil, !reader.has("email") {
            reader.fail("external_id", "is required when there is no email (a customer needs one of them)")
        }
        customer.firstName = reader.text("first_name", maxLength: 200)
        customer.lastName = reader.text("last_name", maxLength: 200)
        customer.phone = reader.phone("phone")
        customer.country = reader.countryCode("country")
        customer.timeZone = reader.timeZone("time_zone")
        customer.birthday = reader.calendarDate("birthday")
        customer.tags = reader.list("tags")
        customer.createdAt = reader.timestamp("created_at")
        customer.sourceUpdatedAt = reader.timestamp("updated_at")
        for channel in ConsentChannel.allCases {
            if let state = reader.consent("\(channel.rawValue)_consent") {
                customer.consents.append(ConsentInput(channel: channel, state: state, source: consentSource))
            }
        }
        var properties: [String: JSONValue] = [:]
        for index in propertyColumns where index < reader.record.count {
            let value = reader.record[index].trimmingCharacters(in: .whitespaces)
            if !value.isEmpty { properties[header.keys[index]] = .string(value) }
        }
        if !properties.isEmpty { customer.properties = properties }
        return customer
    }
}
