/// What a segment rule can see about every customer of a store, in columns indexed by customer.
/// Missing values are explicit: `nil` strings, `.nan` numbers and ``CustomerFacts/missingTime`` times.
/// Times are epoch seconds (UTC).
public struct CustomerFacts: Sendable {
    public static let missingTime = Int64.min

    public let count: Int
    /// The instant `now` means in a rule.
    public let now: Int64
    public var strings: [String: [String?]] = [:]
    public var numbers: [String: [Double]] = [:]
    public var times: [String: [Int64]] = [:]
    public var flags: [String: [Bool]] = [:]
    public var lists: [String: [[String]]] = [:]
    /// Event occurrences by event type, for `did "Type" ...` conditions.
    public var events: [String: EventOccurrences] = [:]

    public init(count: Int, now: Int64) {
        self.count = count
        self.now = now
    }
}

/// The times at which each customer did one kind of event: customer `i` owns
/// `times[start[i] ..< start[i + 1]]`, sorted ascending.
public struct EventOccurrences: Sendable {
    public let start: [Int]
    public let times: [Int64]

    public init(start: [Int], times: [Int64]) {
        precondition(!start.isEmpty, "start needs one offset per customer plus one")
        self.start = start
        self.times = times
    }

    /// Builds the columns from unsorted (customer, time) pairs.
    public init(customerCount: Int, pairs: [(customer: Int, time: Int64)]) {
        var start = [Int](repeating: 0, count: customerCount + 1)
        for pair in pairs { start[pair.customer + 1] += 1 }
        for index in 0..<customerCount { start[index + 1] += start[index] }
        var cursor = start
        var times = [Int64](repeating: 0, count: pairs.count)
        for pair in pairs {
            times[cursor[pair.customer]] = pair.time
            cursor[pair.customer] += 1
        }
        for customer in 0..<customerCount {
            times[start[customer]..<start[customer + 1]].sort()
        }
        self.init(start: start, times: times)
    }
}

/// The value types of the segment rule language.
public enum SegmentValueType: String, Sendable, Equatable {
    case string
    case number
    case boolean
    case time
    case stringList = "list of strings"
}

/// The attributes a rule may name, with their types. Adding an attribute here and filling its
/// column in ``CustomerFacts`` is all it takes to make it usable in rules.
public enum SegmentAttributes {
    public static let catalogue: [String: SegmentValueType] = [
        "email": .string,
        "first_name": .string,
        "last_name": .string,
        "country": .string,
        "tags": .stringList,
        "created_at": .time,
        "consent.email": .boolean,
        "consent.sms": .boolean,
        "orders.count": .number,
        "orders.total": .number,
        "orders.average": .number,
        "first_order_at": .time,
        "last_order_at": .time,
        "days_since_last_order": .number,
        "rfm.r": .number,
        "rfm.f": .number,
        "rfm.m": .number,
        "rfm.score": .string,
        "rfm.segment": .string,
        "p_alive": .number,
        "expected_purchases": .number,
        "expected_spend": .number,
        "predicted_clv": .number,
        "churn_risk": .string,
        "next_order_at": .time,
    ]

    /// String attributes that only ever hold these values: a rule comparing them with anything else
    /// is a typo that would silently match nobody, so the checker rejects it.
    public static let knownValues: [String: [String]] = [
        "rfm.segment": RFMSegment.allCases.map(\.rawValue),
        "churn_risk": ["low", "medium", "high"],
    ]
}
