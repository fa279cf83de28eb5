import Foundation

/// Reads typed fields out of a JSON object, collecting a `FieldError` for each bad one.
/// Optional accessors return nil when the member is absent or null; `required` records an error.
public struct FieldReader {
    public let object: [String: JSONValue]
    public let path: FieldPath
    public private(set) var errors: [FieldError] = []

    public init(_ object: [String: JSONValue], path: FieldPath = FieldPath()) {
        self.object = object
        self.path = path
    }

    /// Reads the root of a request body, which must be an object.
    public static func root(_ value: JSONValue, path: FieldPath = FieldPath()) throws(ValidationFailure) -> FieldReader {
        guard case .object(let members) = value else {
            throw ValidationFailure(field: path.description, message: "expected a JSON object, got \(value.typeName)")
        }
        return FieldReader(members, path: path)
    }

    public mutating func fail(_ key: String, _ message: String) {
        errors.append(FieldError(field: path.member(key).description, message: message))
    }

    public mutating func absorb(_ failure: ValidationFailure) { errors.append(contentsOf: failure.errors) }

    public func has(_ key: String) -> Bool {
        guard let value = object[key] else { return false }
        return !value.isNull
    }

    public func finish() throws(ValidationFailure) {
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }

    mutating func value(_ key: String, required: Bool) -> JSONValue? {
        guard let value = object[key], !value.isNull else {
            if required { fail(key, "is required") }
            return nil
        }
        return value
    }

    public mutating func string(_ key: String, required: Bool = false, maxLength: Int = 1_000) -> String? {
        guard let value = value(key, required: required) else { return nil }
        guard case .string(let text) = value else {
            fail(key, "expected a string, got \(value.typeName)")
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            if required { fail(key, "must not be empty") }
            return nil
        }
        if trimmed.utf8.contains(0) {
            fail(key, "must not contain NUL (U+0000) characters")
            return nil
        }
        if trimmed.count > maxLength {
            fail(key, "expected at most \(maxLength) characters, got \(trimmed.count)")
            return nil
        }
        return trimmed
    }

    /// An identifier sent as a string or an integer (platform ids are often numeric).
    public mutating func identifier(_ key: String, required: Bool = false) -> String? {
        guard let value = value(key, required: required) else { return nil }
        guard let text = value.identifierText?.trimmingCharacters(in: .whitespaces), !text.isEmpty, text.count <= 255,
            !text.utf8.contains(0)
        else {
            fail(key, "expected a non-empty string or integer id of at most 255 characters, got \(value.typeName)")
            return nil
        }
        return text
    }

    public mutating func bool(_ key: String, required: Bool = false) -> Bool? {
        guard let value = value(key, required: required) else { return nil }
        guard case .bool(let flag) = value else {
            fail(key, "expected true or false, got \(value.typeName)")
            return nil
        }
        return flag
    }

    public mutating func integer(_ key: String, required: Bool = false, range: ClosedRange<Int64>? = nil) -> Int64? {
        guard let value = value(key, required: required) else { return nil }
        let number: Int64
        switch value {
        case .int(let exact): number = exact
        case .double(let approximate) where approximate.rounded() == approximate && abs(approximate) < 9e15:
            number = Int64(approximate)
        default:
            fail(key, "expected an integer, got \(value.typeName)")
            return nil
        }
        if let range, !range.contains(number) {
            fail(key, "expected an integer from \(range.lowerBound) to \(range.upperBound), got \(number)")
            return nil
        }
        return number
    }

    /// An amount in integer minor units (cents), never negative.
    public mutating func minorUnits(_ key: String, required: Bool = false) -> Int64? {
        guard let value = value(key, required: required) else { return nil }
        guard case .int(let number) = value else {
            fail(key, "expected an integer amount in minor units (1999 for 19.99), got \(value.typeName)")
            return nil
        }
        guard number >= 0, number <= maximumMinorUnits else {
            fail(key, "expected an amount from 0 to \(maximumMinorUnits) minor units, got \(number)")
            return nil
        }
        return number
    }

    public mutating func double(_ key: String, required: Bool = false) -> Double? {
        guard let value = value(key, required: required) else { return nil }
        switch value {
        case .int(let number): return Double(number)
        case .double(let number): return number
        default:
            fail(key, "expected a number, got \(value.typeName)")
            return nil
        }
    }

    public mutating func timestamp(_ key: String, required: Bool = false) -> Date? {
        guard let text = string(key, required: required) else { return nil }
        guard let date = Timestamp.parse(text) else {
            fail(key, "expected an ISO-8601 date-time such as 2024-05-01T12:30:00Z, got \"\(text.prefix(40))\"")
            return nil
        }
        return date
    }

    public mutating func email(_ key: String, required: Bool = false) -> String? {
        guard let text = string(key, required: required, maxLength: 254) else { return nil }
        guard EmailAddress.isValid(text) else {
            fail(key, "expected an e-mail address such as ana@example.com, got \"\(text.prefix(60))\"")
            return nil
        }
        return text
    }

    public mutating func currency(_ key: String, required: Bool = false) -> Currency? {
        guard let text = string(key, required: required, maxLength: 3) else { return nil }
        guard let currency = Currency(code: text) else {
            fail(key, "expected an ISO 4217 currency code such as USD or EUR, got \"\(text)\"")
            return nil
        }
        return currency
    }

    public mutating func enumeration<T: RawRepresentable & CaseIterable>(_ key: String, as type: T.Type, required: Bool = false)
        -> T? where T.RawValue == String
    {
        guard let text = string(key, required: required) else { return nil }
        guard let value = T(rawValue: text.lowercased()) else {
            let allowed = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            fail(key, "expected one of \(allowed), got \"\(text.prefix(40))\"")
            return nil
        }
        return value
    }

    public mutating func object(_ key: String, required: Bool = false) -> FieldReader? {
        guard let value = value(key, required: required) else { return nil }
        guard case .object(let members) = value else {
            fail(key, "expected an object, got \(value.typeName)")
            return nil
        }
        return FieldReader(members, path: path.member(key))
    }

    /// A free-form object kept as given (properties, traits, context).
    public mutating func rawObject(_ key: String) -> [String: JSONValue]? {
        guard let value = value(key, required: false) else { return nil }
        guard case .object(let members) = value else {
            fail(key, "expected an object, got \(value.typeName)")
            return nil
        }
        return members
    }

    public mutating func array(_ key: String, required: Bool = false, maxCount: Int = 1_000) -> [JSONValue]? {
        guard let value = value(key, required: required) else { return nil }
        guard case .array(let items) = value else {
            fail(key, "expected an array, got \(value.typeName)")
            return nil
        }
        if items.count > maxCount {
            fail(key, "expected at most \(maxCount) items, got \(items.count)")
            return nil
        }
        return items
    }

    public mutating func strings(_ key: String, maxCount: Int = 250) -> [String]? {
        guard let items = array(key, maxCount: maxCount) else { return nil }
        var result: [String] = []
        for (position, item) in items.enumerated() {
            guard case .string(let text) = item else {
                errors.append(
                    FieldError(
                        field: path.member(key).element(position).description, message: "expected a string, got \(item.typeName)")
                )
                continue
            }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.utf8.contains(0) {
                errors.append(
                    FieldError(
                        field: path.member(key).element(position).description, message: "must not contain NUL (U+0000) characters"
                    ))
                continue
            }
            if !trimmed.isEmpty { result.append(trimmed) }
        }
        return result
    }

    /// Reads each element of an array of objects with `read`, collecting the element errors.
    public mutating func objects<T>(
        _ key: String, required: Bool = false, maxCount: Int = 1_000,
        _ read: (inout FieldReader) -> T?
    ) -> [T]? {
        guard let items = array(key, required: required, maxCount: maxCount) else { return nil }
        var result: [T] = []
        for (position, item) in items.enumerated() {
            let elementPath = path.member(key).element(position)
            guard case .object(let members) = item else {
                errors.append(FieldError(field: elementPath.description, message: "expected an object, got \(item.typeName)"))
                continue
            }
            var reader = FieldReader(members, path: elementPath)
            let element = read(&reader)
            errors.append(contentsOf: reader.errors)
            if let element, reader.errors.isEmpty { result.append(element) }
        }
        return result
    }

    /// Reads a nested object with `read`, collecting its errors into this reader.
    public mutating func nested<T>(_ key: String, required: Bool = false, _ read: (inout FieldReader) -> T?) -> T? {
        guard var reader = object(key, required: required) else { return nil }
        let result = read(&reader)
        errors.append(contentsOf: reader.errors)
        return reader.errors.isEmpty ? result : nil
    }
}
