import Foundation
import PatronCore

/// A demo customer with the facts the order and event generators build on.
struct DemoCustomer: Sendable {
    let externalId: String
    let email: String
    let firstName: String
    let lastName: String
    let country: Int
    let phone: String?
    let address: Address
    let createdAt: Int
    /// Standard UTC offset of the customer's time zone, in seconds.
    let utcOffset: Int
    let emailSubscribed: Bool
    let anonymousId: String?
    let favoriteCategories: [Int]

    var ref: CustomerRef { CustomerRef(externalId: externalId, email: email) }
    var fullName: String { firstName + " " + lastName }
    var countryCode: String { DemoCountries.all[country].code }
}

enum DemoCustomerBuilder {
    static let acquisitionChannels: [(String, Double)] = [
        ("organic_search", 30), ("direct", 15), ("instagram", 18), ("paid_search", 14), ("newsletter", 8),
        ("referral", 8), ("tiktok", 5), ("pinterest", 2),
    ]

    static func build(seed: UInt64, now: Int, count: Int) -> (inputs: [CustomerInput], customers: [DemoCustomer]) {
        var usedEmails = Set<String>()
        var usedPhones = Set<String>()
        var inputs: [CustomerInput] = []
        var customers: [DemoCustomer] = []
        inputs.reserveCapacity(count)
        customers.reserveCapacity(count)
        let width = max(4, String(count).count)
        let channelWeights = acquisitionChannels.map(\.1)
        for index in 0..<count {
            var random = DemoRandom(seed: seed, stream: 2, index: index)
            let countryIndex = random.index(cumulative: DemoCountries.cumulativeWeights)
            let country = DemoCountries.all[countryIndex]
            let culture = country.cultures[random.weighted(country.cultures.map(\.1))].0
            let names = DemoNames.pool(culture)
            let firstName = random.pick(names.firstNames)
            let lastName = random.pick(names.lastNames)
            let city = random.pick(country.cities)
            let utcOffset = DemoTimeZones.offsetSeconds(city.timeZone)
            let createdAt = min(
                now - random.int(1...30) * DemoTime.minute,
                DemoTimeZones.atShoppingHour(signupTime(now: now, &random), offset: utcOffset, &random))
            let email = uniqueEmail(firstName, lastName, &random, &usedEmails)
            let phone = random.chance(0.4) ? uniquePhone(country, &random, &usedPhones) : nil

            var input = CustomerInput(externalId: "cus_" + DemoText.padded(index + 1, width: width), email: email)
            input.firstName = firstName
            input.lastName = lastName
            input.phone = phone
            input.country = country.code
            input.timeZone = city.timeZone
            input.birthday = random.chance(0.35) ? birthday(&random) : nil
            input.createdAt = DemoTime.date(createdAt)
            input.properties = ["acquisition_channel": .string(acquisitionChannels[random.weighted(channelWeights)].0)]
            let emailSubscribed = random.chance(0.6)
            if emailSubscribed {
                input.consents.append(
                    ConsentInput(
                        channel: .email, state: .subscribed, source: "demo", recordedAt: DemoTime.date(createdAt)))
            } else if random.chance(0.2) {
                let changedAt = createdAt + Int(Double(now - createdAt) * random.uniform())
                input.consents.append(
                    ConsentInput(
                        channel: .email, state: .unsubscribed, source: "demo", recordedAt: DemoTime.date(changedAt)))
            }
            if phone != nil, random.chance(0.375) {
                input.consents.append(
                    ConsentInput(
                        channel: .sms, state: .subscribed, source: "demo", recordedAt: DemoTime.date(createdAt)))
            }
            let anonymousId = random.chance(0.2) ? "anon-" + random.hex(16) : nil
            if let anonymousId { input.anonymousIds = [anonymousId] }

            var address = Address()
            address.name = firstName + " " + lastName
            address.address1 = streetLine(country, &random)
            if random.chance(0.15) {
                address.address2 = random.pick(["Apt ", "Unit ", "Suite ", "Flat "]) + String(random.int(1...40))
            }
            address.city = city.name
            address.province = city.province
            address.postalCode = DemoCountries.fill(city.postalPattern, &random)
            address.country = country.code
            address.phone = phone

            var favorites = [random.below(DemoCatalog.categories.count)]
            if random.chance(0.6) {
                let second = random.below(DemoCatalog.categories.count)
                if second != favorites[0] { favorites.append(second) }
            }
            inputs.append(input)
            customers.append(
                DemoCustomer(
                    externalId: input.externalId ?? "", email: email, firstName: firstName, lastName: lastName,
                    country: countryIndex, phone: phone, address: address, createdAt: createdAt, utcOffset: utcOffset,
                    emailSubscribed: emailSubscribed, anonymousId: anonymousId, favoriteCategories: favorites))
        }
        return (inputs, customers)
    }

    /// Sign-ups over the two years before `now`: a growing shop with a holiday peak.
    static func signupTime(now: Int, _ random: inout DemoRandom) -> Int {
        let span = 730 * DemoTime.day
        let start = now - span
        var candidate = start
        for _ in 0..<64 {
            candidate = start + Int(random.uniform() * Double(span))
            let growth = 0.55 + 0.45 * Double(candidate - start) / Double(span)
            if random.uniform() * DemoTime.peakMonthWeight < growth * DemoTime.seasonality(candidate) { break }
        }
        return candidate
    }

    static func uniqueEmail(_ first: String, _ last: String, _ random: inout DemoRandom, _ used: inout Set<String>)
        -> String
    {
        let given = DemoText.asciiFold(first).isEmpty ? "customer" : DemoText.asciiFold(first)
        let family = DemoText.asciiFold(last).isEmpty ? "shopper" : DemoText.asciiFold(last)
        let domain = ["example.com", "example.com", "example.com", "example.org", "example.net"][random.below(5)]
        var local: String
        switch random.below(20) {
        case 0..<9: local = "\(given).\(family).\(random.int(1...999))"
        case 9..<12: local = "\(given).\(family)"
        case 12..<14: local = "\(given)\(family)\(DemoText.padded(random.int(0...99), width: 2))"
        case 14..<16: local = "\(given.prefix(1))\(family)\(random.int(1...99))"
        case 16..<18: local = "\(given)_\(family)"
        default: local = "\(given).\(family.prefix(1))\(random.int(10...999))"
        }
        var email = "\(local)@\(domain)"
        while used.contains(email) {
            local += String(random.below(10))
            email = "\(local)@\(domain)"
        }
        used.insert(email)
        return email
    }

    static func uniquePhone(_ country: DemoCountry, _ random: inout DemoRandom, _ used: inout Set<String>) -> String {
        var phone = DemoCountries.fill(random.pick(country.phonePatterns), &random)
        var attempts = 0
        while used.contains(phone) {
            attempts += 1
            let pattern = random.pick(country.phonePatterns)
            phone = DemoCountries.fill(attempts < 20 ? pattern : pattern + "#", &random)
        }
        used.insert(phone)
        return phone
    }

    static let daysInMonth = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

    static func birthday(_ random: inout DemoRandom) -> CalendarDate? {
        let month = random.int(1...12)
        let day = random.int(1...daysInMonth[month])
        let year = min(2006, max(1950, 1988 + Int((random.normal() * 11).rounded())))
        if random.chance(0.3) { return CalendarDate(year: nil, month: month, day: day) }
        return CalendarDate(year: year, month: month, day: day) ?? CalendarDate(year: year, month: month, day: 28)
    }

    static func streetLine(_ country: DemoCountry, _ random: inout DemoRandom) -> String {
        let street = random.pick(country.streets)
        switch country.addressStyle {
        case .numberFirst: return "\(random.int(1...2_400)) \(street)"
        case .numberLast: return "\(street) \(random.int(1...180))"
        case .japanese: return "\(random.int(1...6))-\(random.int(1...30))-\(random.int(1...20)) \(street)"
        }
    }
}
