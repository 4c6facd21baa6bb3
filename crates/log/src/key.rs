//! What a public key is called by: its fingerprint, for people to compare, and the
//! origin of the ledger it founds (identity.md, ledger.md §3).

use crate::hash::Hash;
use crate::signature::PublicKey;

/// `12345 67890 ...`: 30 decimal digits from SHA-256 of the key, 5 digits from each of
/// six 5-byte chunks (as Signal's safety numbers do), about 99 bits.
pub fn fingerprint(key: &PublicKey) -> String {
    let h = Hash::of_parts(&[b"tradeseal/v1/fingerprint\0", &key.to_bytes()]);
    h.0[..30]
        .chunks(5)
        .map(|c| {
            let v = c.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b));
            format!("{:05}", v % 100_000)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The log origin of a ledger founded with `key`: `tradeseal/<16 hex digits>`.
pub fn origin_for(key: &PublicKey) -> String {
    let h = Hash::of_parts(&[b"tradeseal/v1/origin\0", &key.to_bytes()]);
    format!("tradeseal/{}", hex::encode(&h.0[..8]))
}
