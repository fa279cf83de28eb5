import Foundation
import PatronCore

/// A carrier shipment for an order: tracking number and URL, and the scans a parcel gets on its way,
/// cut off at `now` so recent orders are still in transit.
struct DemoShipmentBuilder {
    let now: Int

    enum Outcome { case onTime, delayed, attempted, failed }

    private struct Scan {
        let status: ShipmentStatus
        let time: Int
        let message: String
        let location: String?

        init(_ status: ShipmentStatus, _ time: Int, _ message: String, _ location: String?) {
            self.status = status
            self.time = time
            self.message = message
            self.location = location
        }
    }

    /// Nil when the order has not been handed to a carrier yet.
    func build(
        orderExternalId: String, number: Int, placedAt: Int, country: DemoCountry, destination: Address,
        utcOffset offset: Int, _ random: inout DemoRandom
    ) -> ShipmentInput? {
        let day = DemoTime.day
        let hour = DemoTime.hour
        let shippedAt = placedAt + random.int(3 * 60...22 * 60) * DemoTime.minute
        guard shippedAt <= now else { return nil }
        let carrier = country.carriers[random.weighted(country.carriers.map(\.1))].0
        let trackingNumber = Self.trackingNumber(carrier, &random)
        var shipment = ShipmentInput(externalId: "shp_\(number)")
        shipment.orderExternalId = orderExternalId
        shipment.carrier = carrier.rawValue
        shipment.trackingNumber = trackingNumber
        shipment.trackingUrl = Self.trackingUrl(carrier, trackingNumber)
        shipment.shippedAt = DemoTime.date(shippedAt)
        let transitDays = random.int(country.transitDays.0...country.transitDays.1)
        let expected = Self.localTime(shippedAt + transitDays * day, hour: 20, offset: offset)
        shipment.estimatedDeliveryAt = DemoTime.date(expected)

        let roll = random.uniform()
        let outcome: Outcome = roll < 0.905 ? .onTime : roll < 0.95 ? .delayed : roll < 0.985 ? .attempted : .failed
        let origin = carrier == .royalMail || country.code == "GB" ? "Milton Keynes, GB" : "Columbus, OH, US"
        let destinationName =
            [destination.city, destination.province, destination.postalCode].compactMap { $0 }
            .joined(separator: ", ") + ", " + country.code
        let international = !(country.code == "US" || country.code == "GB")
        var scans: [Scan] = [
            Scan(.labelCreated, shippedAt, "Shipping label created", origin),
            Scan(.inTransit, shippedAt + random.int(4...14) * hour, "Picked up by \(carrier.rawValue)", origin),
        ]
        var deliveryDay = shippedAt + transitDays * day
        if transitDays >= 3 {
            let middle = shippedAt + transitDays * day / 2 + random.below(6 * hour)
            let message =
                international ? "Cleared customs, arrived at destination facility" : "Arrived at carrier facility"
            scans.append(Scan(.inTransit, middle, message, destination.city.map { $0 + ", " + country.code }))
        }
        switch outcome {
        case .delayed:
            let reason =
                international ? "Held for customs inspection" : random.pick(["Weather delay", "Missed connection"])
            scans.append(Scan(.delayed, deliveryDay - random.int(6...20) * hour, reason, destination.city))
            deliveryDay += random.int(2...5) * day
        case .failed:
            let failedAt = deliveryDay - random.int(2...30) * hour
            let reason = random.pick(["Package damaged in transit", "Address could not be found", "Lost in transit"])
            scans.append(Scan(.failure, failedAt, reason, destination.city))
        case .onTime, .attempted:
            break
        }
        if outcome != .failed {
            var delivery = Self.localTime(deliveryDay, hour: 9, offset: offset) + random.int(1...8) * hour
            if outcome == .attempted {
                scans.append(
                    Scan(.outForDelivery, delivery - random.int(2...5) * hour, "Out for delivery", destinationName))
                scans.append(
                    Scan(.attemptedDelivery, delivery, "Delivery attempted: nobody home, notice left", destinationName))
                delivery += day
            }
            scans.append(
                Scan(.outForDelivery, delivery - random.int(2...5) * hour, "Out for delivery", destinationName))
            scans.append(Scan(.delivered, delivery, random.pick(Self.deliveredMessages), destinationName))
        }
        let ordered = scans.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
        for (position, scan) in ordered.map(\.element).enumerated() where scan.time <= now {
            var event = TrackingEventInput(status: scan.status, occurredAt: DemoTime.date(scan.time))
            event.message = scan.message
            event.location = scan.location
            event.externalId = "\(shipment.externalId)-\(position + 1)"
            shipment.events.append(event)
        }
        guard let last = shipment.events.last else { return nil }
        shipment.status = last.status
        if last.status == .delivered { shipment.deliveredAt = last.occurredAt }
        shipment.sourceUpdatedAt = last.occurredAt
        return shipment
    }

    static let deliveredMessages = [
        "Delivered, left at front door", "Delivered, handed to resident", "Delivered to mailbox",
    ]

    /// `hour` o'clock local time on the local day containing `time`.
    static func localTime(_ time: Int, hour: Int, offset: Int) -> Int {
        DemoTime.floorDiv(time + offset, DemoTime.day) * DemoTime.day - offset + hour * DemoTime.hour
    }

    static func trackingNumber(_ carrier: DemoCarrier, _ random: inout DemoRandom) -> String {
        switch carrier {
        case .ups: return "1Z8V9E47" + random.pick(["01", "02", "03"]) + random.digits(8)
        case .usps: return "9400" + random.digits(18)
        case .fedex: return random.digits(12)
        case .dhl: return random.digits(10)
        case .royalMail: return "TT" + random.digits(9) + "GB"
        }
    }

    static func trackingUrl(_ carrier: DemoCarrier, _ number: String) -> String {
        switch carrier {
        case .ups: return "https://www.ups.com/track?tracknum=\(number)"
        case .usps: return "https://tools.usps.com/go/TrackConfirmAction?tLabels=\(number)"
        case .fedex: return "https://www.fedex.com/fedextrack/?trknbr=\(number)"
        case .dhl: return "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id=\(number)"
        case .royalMail: return "https://www.royalmail.com/track-your-item#/tracking-results/\(number)"
        }
    }
}
