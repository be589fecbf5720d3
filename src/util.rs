//! Small helpers shared by the service and API layers: time formatting,
//! randomness, hashing.

use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::macros::format_description;

/// ISO-8601 with milliseconds in UTC (`2017-09-05T17:55:27.583Z`), as AWS
/// writes `CreationTimestamp`.
pub fn timestamp(ms: i64) -> String {
    let fmt =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}

/// A new resource id with `prefix` (`vpc`, `vpce-svc`, ...).
pub fn new_id(prefix: &str) -> String {
    linkplane_core::ids::format_id(prefix, rand::random::<u128>())
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// `n` random bytes as lowercase hex.
pub fn random_hex(n_bytes: usize) -> String {
    let bytes: Vec<u8> = (0..n_bytes).map(|_| rand::random::<u8>()).collect();
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamp_has_millisecond_precision() {
        assert_eq!(
            super::timestamp(1_504_634_127_583),
            "2017-09-05T17:55:27.583Z"
        );
        assert_eq!(super::timestamp(0), "1970-01-01T00:00:00.000Z");
    }
}
