/// Standard UTC offsets of the demo cities' zones (daylight saving ignored: it only shifts the hour
/// of day at which demo shoppers are active) and the hours at which people shop.
enum DemoTimeZones {
    static let offsetMinutes: [String: Int] = [
        "America/New_York": -300, "America/Chicago": -360, "America/Denver": -420, "America/Phoenix": -420,
        "America/Los_Angeles": -480, "America/Toronto": -300, "America/Vancouver": -480,
        "America/Edmonton": -420, "America/Halifax": -240, "America/Sao_Paulo": -180, "Europe/London": 0,
        "Europe/Dublin": 0, "Europe/Berlin": 60, "Europe/Paris": 60, "Europe/Amsterdam": 60, "Europe/Madrid": 60,
        "Europe/Rome": 60, "Europe/Stockholm": 60, "Asia/Tokyo": 540, "Australia/Sydney": 600,
        "Australia/Melbourne": 600, "Australia/Brisbane": 600, "Australia/Perth": 480, "Australia/Adelaide": 570,
        "Pacific/Auckland": 720,
    ]

    static func offsetSeconds(_ timeZone: String) -> Int { (offsetMinutes[timeZone] ?? 0) * 60 }

    /// Relative activity per local hour: quiet nights, a lunch bump, an evening peak.
    static let cumulativeHourWeights: [Double] = {
        let weights: [Double] = [
            1.2, 0.6, 0.3, 0.2, 0.2, 0.3, 0.8, 1.6, 2.4, 3.0, 3.4, 3.8, 4.4, 4.2, 3.6, 3.4, 3.4, 3.6, 4.2, 5.0, 5.6,
            5.4, 4.2, 2.4,
        ]
        var total = 0.0
        return weights.map { weight in
            total += weight
            return total
        }
    }()

    static func shoppingHour(_ random: inout DemoRandom) -> Int { random.index(cumulative: cumulativeHourWeights) }

    /// The same local day as `time`, at a plausible shopping hour.
    static func atShoppingHour(_ time: Int, offset: Int, _ random: inout DemoRandom) -> Int {
        let localDayStart = DemoTime.floorDiv(time + offset, DemoTime.day) * DemoTime.day - offset
        return localDayStart + shoppingHour(&random) * DemoTime.hour + random.below(DemoTime.hour)
    }
}
