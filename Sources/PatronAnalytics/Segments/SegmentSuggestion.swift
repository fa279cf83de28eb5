/// "Did you mean" suggestions for misspelled attribute names and keywords.
enum SegmentSuggestion {
    /// The candidate closest to `word`, if one is close enough to be a likely typo.
    static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        let sorted = candidates.sorted()
        let dotted = sorted.filter { $0.hasSuffix("." + word) }
        if dotted.count == 1 { return dotted[0] }
        let lowered = Array(word.lowercased().unicodeScalars)
        let threshold = min(3, max(1, lowered.count / 3))
        var best: (name: String, distance: Int)?
        for candidate in sorted {
            let distance = editDistance(lowered, Array(candidate.lowercased().unicodeScalars))
            if distance <= threshold && distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.name
    }

    /// Levenshtein distance that also counts swapping two adjacent characters as one edit
    /// (optimal string alignment), so `adn` is one edit from `and`.
    static func editDistance(_ left: [Unicode.Scalar], _ right: [Unicode.Scalar]) -> Int {
        if left.isEmpty { return right.count }
        if right.isEmpty { return left.count }
        let width = right.count + 1
        var previousRow = [Int](repeating: 0, count: width)
        var row = Array(0..<width)
        var current = [Int](repeating: 0, count: width)
        for i in 1...left.count {
            current[0] = i
            for j in 1...right.count {
                let cost = left[i - 1] == right[j - 1] ? 0 : 1
                var value = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
                if i > 1 && j > 1 && left[i - 1] == right[j - 2] && left[i - 2] == right[j - 1] {
                    value = min(value, previousRow[j - 2] + 1)
                }
                current[j] = value
            }
            swap(&previousRow, &row)
            swap(&row, &current)
        }
        return row[right.count]
    }
}
