/// Turns a ``SegmentCondition`` into one closure per rule over one ``CustomerFacts``.
///
/// Columns are looked up once here, never per customer; the closures only index arrays. Constants are
/// folded (an attribute without a column is a missing value for everyone, so most conditions on it fold
/// to `false`), and the terms of `and` / `or` run cheapest first: with no side effects and two-valued
/// logic the order cannot change the answer, only how soon it is known.
struct SegmentRuleCompiler {
    typealias Predicate = (Int) -> Bool

    enum Compiled {
        case constant(Bool)
        /// `cost` is a rough per-customer price used to order the terms of `and` and `or`.
        case predicate(Predicate, cost: Int)
    }

    private let facts: CustomerFacts

    init(facts: CustomerFacts) {
        self.facts = facts
    }

    func compile(_ condition: SegmentCondition) -> Compiled {
        switch condition {
        case .constant(let value):
            return .constant(value)
        case .and(let terms):
            return combine(terms.map(compile), all: true)
        case .or(let terms):
            return combine(terms.map(compile), all: false)
        case .not(let term):
            return negate(compile(term))
        case .flag(let operand):
            return compareFlags(operand, .equal, .constant(true))
        case .flags(let left, let comparison, let right):
            return compareFlags(left, comparison, right)
        case .numbers(let left, let comparison, let right):
            return compareNumbers(left, comparison, right)
        case .strings(let left, let comparison, let right):
            return compareStrings(left, comparison, right)
        case .times(let left, let comparison, let right):
            return compareTimes(left, comparison, right)
        case .numberIn(let operand, let values, let negated):
            return numberIn(operand, values, negated: negated)
        case .stringIn(let operand, let values, let negated):
            return stringIn(operand, values, negated: negated)
        case .listContains(let attribute, let values, let mode):
            return listContains(attribute, values, mode)
        case .stringContains(let operand, let values, let mode):
            return stringContains(operand, values, mode)
        case .isSet(let attribute, let type, let negated):
            let isSet = isSet(attribute, type)
            return negated ? negate(isSet) : isSet
        case .event(let type, let minimumCount, let window):
            return event(type, minimumCount: minimumCount, window: window)
        }
    }

    // MARK: - Boolean structure

    private func combine(_ terms: [Compiled], all: Bool) -> Compiled {
        var predicates: [(predicate: Predicate, cost: Int)] = []
        for term in terms {
            switch term {
            case .constant(let value):
                // `false and x` is false, `true or x` is true; the other constant is a no-op.
                if value != all { return .constant(value) }
            case .predicate(let predicate, let cost):
                predicates.append((predicate, cost))
            }
        }
        guard !predicates.isEmpty else { return .constant(all) }
        predicates.sort { $0.cost < $1.cost }
        let cost = predicates.reduce(0) { $0 + $1.cost }
        return .predicate(chain(predicates.map(\.predicate)[...], all: all), cost: cost)
    }

    /// A balanced tree of two-way `&&` / `||` closures that still evaluates its terms left to right.
    private func chain(_ predicates: ArraySlice<Predicate>, all: Bool) -> Predicate {
        if predicates.count == 1, let only = predicates.first { return only }
        let middle = predicates.startIndex + predicates.count / 2
        let first = chain(predicates[..<middle], all: all)
        let second = chain(predicates[middle...], all: all)
        return all ? { first($0) && second($0) } : { first($0) || second($0) }
    }

    private func negate(_ compiled: Compiled) -> Compiled {
        switch compiled {
        case .constant(let value): .constant(!value)
        case .predicate(let predicate, let cost): .predicate({ !predicate($0) }, cost: cost)
        }
    }

    // MARK: - Columns

    private enum Resolved<Column, Value> {
        case column(Column)
        case constant(Value)
    }

    /// A column at least `facts.count` long, padded with `missing` if the caller filled it short.
    private func padded<Value>(_ column: [Value], missing: Value) -> [Value] {
        column.count >= facts.count ? column : column + repeatElement(missing, count: facts.count - column.count)
    }

    private func numbers(_ name: String) -> [Double]? {
        facts.numbers[name].map { padded($0, missing: .nan) }
    }

    private func strings(_ name: String) -> [String?]? {
        facts.strings[name].map { padded($0, missing: nil) }
    }

    private func times(_ name: String) -> [Int64]? {
        facts.times[name].map { padded($0, missing: CustomerFacts.missingTime) }
    }

    private func flags(_ name: String) -> [Bool]? {
        guard let column = facts.flags[name] else { return nil }
        // A short flag column cannot say "missing"; treat the whole attribute as missing rather than guess.
        return column.count >= facts.count ? column : nil
    }

    private func lists(_ name: String) -> [[String]]? {
        facts.lists[name].map { padded($0, missing: []) }
    }

    // MARK: - Comparisons

    private func compareFlags(
        _ left: SegmentOperand<Bool>, _ comparison: SegmentComparison, _ right: SegmentOperand<Bool>
    ) -> Compiled {
        func resolve(_ operand: SegmentOperand<Bool>) -> Resolved<[Bool], Bool?> {
            switch operand {
            case .constant(let value): .constant(value)
            case .attribute(let name): flags(name).map { .column($0) } ?? .constant(nil)
            }
        }
        let wantEqual = comparison == .equal
        switch (resolve(left), resolve(right)) {
        case (.constant(let left?), .constant(let right?)):
            return .constant((left == right) == wantEqual)
        case (.constant(nil), _), (_, .constant(nil)):
            return .constant(false)
        case (.column(let column), .constant(let value?)), (.constant(let value?), .column(let column)):
            return value == wantEqual ? .predicate({ column[$0] }, cost: 1) : .predicate({ !column[$0] }, cost: 1)
        case (.column(let left), .column(let right)):
            return wantEqual
                ? .predicate({ left[$0] == right[$0] }, cost: 2) : .predicate({ left[$0] != right[$0] }, cost: 2)
        }
    }

    private func compareNumbers(
        _ left: SegmentOperand<Double>, _ comparison: SegmentComparison, _ right: SegmentOperand<Double>
    ) -> Compiled {
        func resolve(_ operand: SegmentOperand<Double>) -> Resolved<[Double], Double> {
            switch operand {
            case .constant(let value): .constant(value)
            case .attribute(let name): numbers(name).map { .column($0) } ?? .constant(.nan)
            }
        }
        switch (resolve(left), resolve(right)) {
        case (.constant(let left), .constant(let right)):
            return .constant(!left.isNaN && !right.isNaN && comparison.test(left, right))
        case (.column(let column), .constant(let value)):
            return numbers(column, comparison, value)
        case (.constant(let value), .column(let column)):
            return numbers(column, comparison.swapped, value)
        case (.column(let left), .column(let right)):
            return .predicate(
                { index in
                    let left = left[index]
                    let right = right[index]
                    return !left.isNaN && !right.isNaN && comparison.test(left, right)
                }, cost: 4)
        }
    }

    /// `column[i] <op> value`; NaN (missing) fails every IEEE comparison except `!=`, which is guarded.
    private func numbers(_ column: [Double], _ comparison: SegmentComparison, _ value: Double) -> Compiled {
        guard !value.isNaN else { return .constant(false) }
        let predicate: Predicate
        switch comparison {
        case .equal: predicate = { column[$0] == value }
        case .notEqual:
            predicate = { index in
                let element = column[index]
                return !element.isNaN && element != value
            }
        case .less: predicate = { column[$0] < value }
        case .lessEqual: predicate = { column[$0] <= value }
        case .greater: predicate = { column[$0] > value }
        case .greaterEqual: predicate = { column[$0] >= value }
        }
        return .predicate(predicate, cost: 2)
    }

    private func compareStrings(
        _ left: SegmentOperand<String>, _ comparison: SegmentComparison, _ right: SegmentOperand<String>
    ) -> Compiled {
        func resolve(_ operand: SegmentOperand<String>) -> Resolved<[String?], String?> {
            switch operand {
            case .constant(let value): .constant(value)
            case .attribute(let name): strings(name).map { .column($0) } ?? .constant(nil)
            }
        }
        switch (resolve(left), resolve(right)) {
        case (.constant(let left?), .constant(let right?)):
            return .constant(comparison.test(left, right))
        case (.constant(nil), _), (_, .constant(nil)):
            return .constant(false)
        case (.column(let column), .constant(let value?)):
            return strings(column, comparison, value)
        case (.constant(let value?), .column(let column)):
            return strings(column, comparison.swapped, value)
        case (.column(let left), .column(let right)):
            return .predicate(
                { index in
                    guard let left = left[index], let right = right[index] else { return false }
                    return comparison.test(left, right)
                }, cost: 6)
        }
    }

    private func strings(_ column: [String?], _ comparison: SegmentComparison, _ value: String) -> Compiled {
        switch comparison {
        case .equal:
            return .predicate({ column[$0] == value }, cost: 4)
        case .notEqual:
            return .predicate(
                { index in
                    guard let element = column[index] else { return false }
                    return element != value
                }, cost: 4)
        default:
            return .predicate(
                { index in
                    guard let element = column[index] else { return false }
                    return comparison.test(element, value)
                }, cost: 5)
        }
    }

    private func compareTimes(_ left: SegmentTime, _ comparison: SegmentComparison, _ right: SegmentTime) -> Compiled {
        let missing = CustomerFacts.missingTime
        func resolve(_ time: SegmentTime) -> Resolved<(column: [Int64], shift: Int64), Int64> {
            switch time {
            case .attribute(let name, let shift): times(name).map { .column(($0, shift)) } ?? .constant(missing)
            case .now(let shift): .constant(Self.add(facts.now, shift))
            case .instant(let seconds): .constant(seconds)
            }
        }
        switch (resolve(left), resolve(right)) {
        case (.constant(let left), .constant(let right)):
            return .constant(left != missing && right != missing && comparison.test(left, right))
        case (.column(let column), .constant(let value)):
            return times(column.column, comparison, value, shift: column.shift)
        case (.constant(let value), .column(let column)):
            return times(column.column, comparison.swapped, value, shift: column.shift)
        case (.column(let left), .column(let right)):
            return .predicate(
                { index in
                    let leftTime = left.column[index]
                    let rightTime = right.column[index]
                    guard leftTime != missing && rightTime != missing else { return false }
                    return comparison.test(Self.add(leftTime, left.shift), Self.add(rightTime, right.shift))
                }, cost: 4)
        }
    }

    /// `column[i] + shift <op> value`, computed as `column[i] <op> value - shift` so the loop does no arithmetic.
    private func times(_ column: [Int64], _ comparison: SegmentComparison, _ value: Int64, shift: Int64) -> Compiled {
        let missing = CustomerFacts.missingTime
        guard value != missing else { return .constant(false) }
        let bound = Self.add(value, -shift)
        let predicate: Predicate
        switch comparison {
        case .equal: predicate = { column[$0] == bound }
        case .notEqual:
            predicate = { index in
                let time = column[index]
                return time != missing && time != bound
            }
        case .less:
            predicate = { index in
                let time = column[index]
                return time != missing && time < bound
            }
        case .lessEqual:
            predicate = { index in
                let time = column[index]
                return time != missing && time <= bound
            }
        // `bound` is above `missing`, so these fail for missing values without a separate test.
        case .greater: predicate = { column[$0] > bound }
        case .greaterEqual: predicate = { column[$0] >= bound }
        }
        return .predicate(predicate, cost: 2)
    }

    /// `time + shift`, clamped to the representable instants (never producing the missing marker).
    static func add(_ time: Int64, _ shift: Int64) -> Int64 {
        let (sum, overflow) = time.addingReportingOverflow(shift)
        if overflow { return shift > 0 ? Int64.max : CustomerFacts.missingTime + 1 }
        return sum == CustomerFacts.missingTime ? sum + 1 : sum
    }

    // MARK: - Lists

    private func numberIn(_ operand: SegmentOperand<Double>, _ values: [Double], negated: Bool) -> Compiled {
        switch operand {
        case .constant(let value):
            return .constant(!value.isNaN && values.contains(value) != negated)
        case .attribute(let name):
            guard let column = numbers(name) else { return .constant(false) }
            let values = Array(Set(values))
            if negated {
                return .predicate(
                    { index in
                        let element = column[index]
                        return !element.isNaN && !values.contains(element)
                    }, cost: 3)
            }
            return .predicate({ values.contains(column[$0]) }, cost: 3)
        }
    }

    private func stringIn(_ operand: SegmentOperand<String>, _ values: [String], negated: Bool) -> Compiled {
        switch operand {
        case .constant(let value):
            return .constant(values.contains(value) != negated)
        case .attribute(let name):
            guard let column = strings(name) else { return .constant(false) }
            let contains = Self.membership(values)
            return .predicate(
                { index in
                    guard let element = column[index] else { return false }
                    return contains(element) != negated
                }, cost: 5)
        }
    }

    /// A membership test: a linear scan for a handful of values (cheaper than hashing), a `Set` beyond.
    private static func membership(_ values: [String]) -> (String) -> Bool {
        let unique = Set(values)
        if unique.count <= 8 {
            let list = Array(unique)
            return { list.contains($0) }
        }
        return { unique.contains($0) }
    }

    private func listContains(_ attribute: String, _ values: [String], _ mode: SegmentContainsMode) -> Compiled {
        guard let column = lists(attribute) else { return .constant(false) }
        switch mode {
        case .one, .any:
            if values.count == 1, let value = values.first {
                return .predicate({ column[$0].contains(value) }, cost: 8)
            }
            let contains = Self.membership(values)
            return .predicate({ column[$0].contains(where: contains) }, cost: 10)
        case .all:
            let needed = Array(Set(values))
            return .predicate(
                { index in
                    let list = column[index]
                    return needed.allSatisfy { list.contains($0) }
                }, cost: 10)
        }
    }

    private func stringContains(
        _ operand: SegmentOperand<String>, _ values: [String], _ mode: SegmentContainsMode
    ) -> Compiled {
        func test(_ text: String) -> Bool {
            mode == .all
                ? values.allSatisfy { $0.isEmpty || text.contains($0) }
                : values.contains { $0.isEmpty || text.contains($0) }
        }
        switch operand {
        case .constant(let value):
            return .constant(test(value))
        case .attribute(let name):
            guard let column = strings(name) else { return .constant(false) }
            return .predicate(
                { index in
                    guard let element = column[index] else { return false }
                    return test(element)
                }, cost: 12)
        }
    }

    private func isSet(_ attribute: String, _ type: SegmentValueType) -> Compiled {
        switch type {
        case .string:
            guard let column = strings(attribute) else { return .constant(false) }
            return .predicate({ column[$0] != nil }, cost: 2)
        case .number:
            guard let column = numbers(attribute) else { return .constant(false) }
            return .predicate({ !column[$0].isNaN }, cost: 1)
        case .time:
            guard let column = times(attribute) else { return .constant(false) }
            return .predicate({ column[$0] != CustomerFacts.missingTime }, cost: 1)
        case .boolean:
            return .constant(flags(attribute) != nil)
        case .stringList:
            guard let column = lists(attribute) else { return .constant(false) }
            return .predicate({ !column[$0].isEmpty }, cost: 3)
        }
    }

    // MARK: - Events

    /// At least `minimumCount` occurrences in `[from, now]`. Times are sorted per customer, so the
    /// `minimumCount`-th latest occurrence not after `now` decides: it must be at or after `from`.
    private func event(_ type: String, minimumCount: Int, window: SegmentEventWindow) -> Compiled {
        guard let occurrences = facts.events[type], facts.count > 0 else { return .constant(false) }
        let now = facts.now
        let from: Int64
        switch window {
        case .ever: from = Int64.min
        case .last(let seconds): from = Self.add(now, -seconds)
        case .since(.now(let shift)): from = Self.add(now, shift)
        case .since(.instant(let instant)): from = instant
        case .since(.attribute): preconditionFailure("the checker only allows fixed times after 'since'")
        }
        guard from <= now else { return .constant(false) }
        let start = Self.validated(occurrences, customerCount: facts.count)
        let times = occurrences.times
        return .predicate(
            { index in
                let first = start[index]
                var end = start[index + 1]
                guard end - first >= minimumCount else { return false }
                if times[end - 1] > now {
                    // Some occurrences are after `now`; find the first of them.
                    var low = first
                    while low < end {
                        let middle = low + (end - low) / 2
                        if times[middle] > now { end = middle } else { low = middle + 1 }
                    }
                    guard end - first >= minimumCount else { return false }
                }
                return times[end - minimumCount] >= from
            }, cost: 6)
    }

    /// The offsets array, padded to cover every customer; malformed offsets are a programming error.
    private static func validated(_ occurrences: EventOccurrences, customerCount: Int) -> [Int] {
        var start = occurrences.start
        precondition(start[0] >= 0 && (start.last ?? 0) <= occurrences.times.count, "event offsets out of range")
        for index in 1..<start.count {
            precondition(start[index - 1] <= start[index], "event offsets must not decrease")
        }
        if start.count < customerCount + 1, let last = start.last {
            start += repeatElement(last, count: customerCount + 1 - start.count)
        }
        return start
    }
}
