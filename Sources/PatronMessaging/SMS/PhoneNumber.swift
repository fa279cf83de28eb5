import Foundation

/// Phone numbers as SMS providers take them.
public enum PhoneNumber {
    /// The number in E.164 (`+` and 8 to 15 digits), from common written forms ("+1 (555) 123-4567");
    /// nil when it is not one.
    public static func e164(_ text: String) -> String? {
        var digits = ""
        for (index, character) in text.trimmingCharacters(in: .whitespaces).enumerated() {
            if character == "+" && index == 0 { continue }
            if character.isASCII && character.isNumber {
                digits.append(character)
            } else if !" -().".contains(character) {
                return nil
            }
        }
        guard text.trimmingCharacters(in: .whitespaces).hasPrefix("+"), (8...15).contains(digits.count),
            digits.first != "0"
        else { return nil }
        return "+" + digits
    }
}
