import HummingbirdBcrypt
import NIOPosix

/// Dashboard passwords: bcrypt with cost 12, computed off the async executors (one hash takes about
/// a quarter of a second by design).
public enum PasswordHashing {
    public static let cost: UInt8 = 12
    public static let minimumLength = 10
    /// bcrypt reads at most 72 bytes; longer passwords are refused rather than silently truncated.
    public static let maximumBytes = 72

    /// Why a password is not acceptable, or nil.
    public static func problem(with password: String) -> String? {
        if password.count < minimumLength { return "expected at least \(minimumLength) characters" }
        if password.utf8.count > maximumBytes { return "expected at most \(maximumBytes) bytes" }
        if password.utf8.contains(0) { return "must not contain NUL (U+0000) characters" }
        return nil
    }

    public static func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public static func verify(_ password: String, hash: String) async throws -> Bool {
        guard password.utf8.count <= maximumBytes, !password.utf8.contains(0) else { return false }
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash of a fixed password, verified against when the e-mail is unknown, so a sign-in takes as
    /// long for a missing account as for a wrong password.
    static let decoy = Bcrypt.hash("decoy password that never signs in", cost: cost)
}
