import PatronMessaging
import PatronStore

extension SenderSettings {
    /// The DKIM signer for the From address's domain; nil unless a selector, a key and a From address are set.
    public func dkimSigner() throws -> DKIMSigner? {
        guard let selector = dkimSelector, let key = dkimPrivateKey, let from = fromEmail else { return nil }
        return try DKIMSigner(domain: Mailbox(address: from).domain, selector: selector, privateKeyPEM: key)
    }
}
