import Foundation

/// One line or set of bars in a chart.
struct ChartSeries: Sendable {
    var name: String
    var values: [Double]
    /// `series-current` or `series-previous`; the stylesheet colours them.
    var style: String
}

/// Charts drawn on the server as SVG: axes with labelled ticks, grid lines, a legend, and a text
/// alternative for screen readers. Colours come from the stylesheet (classes), so the CSP needs no
/// inline styles.
enum SVGChart {
    static let width = 720.0
    static let height = 260.0
    static let left = 72.0
    static let right = 16.0
    static let top = 28.0
    static let bottom = 36.0

    static func line(series: [ChartSeries], labels: [String], title: String, format: (Double) -> String) -> String {
        let count = max(series.map(\.values.count).max() ?? 0, 1)
        let (maximum, ticks) = scale(series.flatMap(\.values).max() ?? 0)
        var body = axes(ticks: ticks, maximum: maximum, labels: labels, slots: count, centred: false, format: format)
        for item in series where !item.values.isEmpty {
            let points = item.values.enumerated().map { index, value in
                "\(fixed(x(index, slots: count, centred: false))),\(fixed(y(value, maximum: maximum)))"
            }
            body += "<polyline class=\"\(item.style)\" fill=\"none\" points=\"\(points.joined(separator: " "))\"/>"
        }
        body += legend(series)
        return svg(body, title: title, series: series, labels: labels, format: format)
    }

    static func bars(series: ChartSeries, labels: [String], title: String, format: (Double) -> String) -> String {
        let count = max(series.values.count, 1)
        let (maximum, ticks) = scale(series.values.max() ?? 0)
        var body = axes(ticks: ticks, maximum: maximum, labels: labels, slots: count, centred: true, format: format)
        let slot = (width - left - right) / Double(count)
        for (index, value) in series.values.enumerated() {
            let top = y(value, maximum: maximum)
            body +=
                "<rect class=\"bar\" x=\"\(fixed(left + Double(index) * slot + slot * 0.15))\" y=\"\(fixed(top))\" "
                + "width=\"\(fixed(max(1, slot * 0.7)))\" height=\"\(fixed(height - bottom - top))\"><title>"
                + "\(escape(labels.indices.contains(index) ? labels[index] : "")): \(escape(format(value)))</title></rect>"
        }
        return svg(body, title: title, series: [series], labels: labels, format: format)
    }

    /// A round maximum and four evenly spaced ticks.
    static func scale(_ peak: Double) -> (Double, [Double]) {
        guard peak > 0, peak.isFinite else { return (1, [0, 0.25, 0.5, 0.75, 1]) }
        let rough = peak / 4
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        return (step * 4, (0...4).map { Double($0) * step })
    }

    static func x(_ index: Int, slots: Int, centred: Bool) -> Double {
        let span = width - left - right
        if centred { return left + (Double(index) + 0.5) * span / Double(slots) }
        return slots <= 1 ? left + span / 2 : left + Double(index) * span / Double(slots - 1)
    }

    static func y(_ value: Double, maximum: Double) -> Double {
        height - bottom - (max(0, value) / maximum) * (height - top - bottom)
    }

    static func axes(
        ticks: [Double], maximum: Double, labels: [String], slots: Int, centred: Bool, format: (Double) -> String
    ) -> String {
        var body = ""
        for tick in ticks {
            let position = fixed(y(tick, maximum: maximum))
            body +=
                "<line class=\"grid\" x1=\"\(fixed(left))\" x2=\"\(fixed(width - right))\" y1=\"\(position)\" y2=\"\(position)\"/>"
            body +=
                "<text class=\"axis\" x=\"\(fixed(left - 8))\" y=\"\(position)\" text-anchor=\"end\" dominant-baseline=\"middle\">"
                + "\(escape(format(tick)))</text>"
        }
        body +=
            "<line class=\"axis\" x1=\"\(fixed(left))\" x2=\"\(fixed(width - right))\" y1=\"\(fixed(height - bottom))\" "
            + "y2=\"\(fixed(height - bottom))\"/>"
        let shown = 6
        let stride = max(1, Int((Double(labels.count) / Double(shown)).rounded(.up)))
        for index in Swift.stride(from: 0, to: labels.count, by: stride) {
            body +=
                "<text class=\"axis\" x=\"\(fixed(x(index, slots: slots, centred: centred)))\" y=\"\(fixed(height - bottom + 20))\" "
                + "text-anchor=\"middle\">\(escape(labels[index]))</text>"
        }
        return body
    }

    static func legend(_ series: [ChartSeries]) -> String {
        var body = ""
        var offset = left
        for item in series {
            body +=
                "<line class=\"\(item.style)\" x1=\"\(fixed(offset))\" x2=\"\(fixed(offset + 18))\" y1=\"12\" y2=\"12\"/>"
                + "<text class=\"legend\" x=\"\(fixed(offset + 24))\" y=\"12\" dominant-baseline=\"middle\">\(escape(item.name))</text>"
            offset += 34 + Double(item.name.count) * 7
        }
        return body
    }

    static func svg(_ body: String, title: String, series: [ChartSeries], labels: [String], format: (Double) -> String)
        -> String
    {
        let totals = series.map { "\($0.name): total \(format($0.values.reduce(0, +)))" }.joined(separator: "; ")
        let range = labels.isEmpty ? "" : " from \(labels.first!) to \(labels.last!)"
        return
            "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(escape("\(title)\(range). \(totals)"))\" "
            + "preserveAspectRatio=\"xMidYMid meet\"><title>\(escape(title))</title>\(body)</svg>"
    }

    static func fixed(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String { LinkPages.escape(text) }

    /// A heat-map class from 0 to 9 for `value` out of `maximum`.
    static func heat(_ value: Double, maximum: Double) -> String {
        guard maximum > 0, value > 0, value.isFinite else { return "heat-0" }
        return "heat-\(min(9, max(1, Int((value / maximum * 9).rounded(.up)))))"
    }
}
