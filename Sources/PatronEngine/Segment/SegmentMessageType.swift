/// The Segment Spec calls Patron accepts (`type` in a batch item, or the `/v1/<type>` path).
public enum SegmentMessageType: String, Sendable, CaseIterable {
    case identify
    case track
    case page
    case screen
    case group
    case alias
}
