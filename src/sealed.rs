//! Secrets kept encrypted at rest: AES-256-GCM under a server key from
//! configuration (`LINKPLANE_AWS_SECRETS_KEY`, 32 bytes as 64 hex digits).
//!
//! A sealed value is `v1:` + base64(96-bit random nonce ‖ ciphertext ‖ tag).
//! The row it belongs to (an API key id) is the additional authenticated
//! data, so a sealed value copied onto another row does not open.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};

const PREFIX: &str = "v1:";

/// The server key; `Debug` never shows it.
pub struct SealingKey {
    key: LessSafeKey,
}

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealingKey(..)")
    }
}

impl SealingKey {
    /// From 64 hex digits (32 bytes).
    pub fn from_hex(text: &str) -> Result<Self, String> {
        let mut raw = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut raw)
            .map_err(|_| "the key must be 64 hex digits (32 random bytes)".to_string())?;
        let key = UnboundKey::new(&AES_256_GCM, &raw)
            .map_err(|_| "the key must be 32 bytes".to_string())?;
        Ok(SealingKey {
            key: LessSafeKey::new(key),
        })
    }

    /// Encrypts `plain` for the row `bound_to`.
    pub fn seal(&self, bound_to: &str, plain: &str) -> Result<String, String> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| "no randomness for a nonce".to_string())?;
        let mut buf = plain.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(bound_to.as_bytes()),
                &mut buf,
            )
            .map_err(|_| "encryption failed".to_string())?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buf);
        Ok(format!("{PREFIX}{}", STANDARD.encode(out)))
    }

    /// Decrypts what [`SealingKey::seal`] made for `bound_to`; None when it
    /// was sealed under another key, for another row, or altered.
    pub fn open(&self, bound_to: &str, sealed: &str) -> Option<String> {
        let raw = STANDARD.decode(sealed.strip_prefix(PREFIX)?).ok()?;
        if raw.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = raw.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut buf = ciphertext.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(bound_to.as_bytes()), &mut buf)
            .ok()?;
        String::from_utf8(plain.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn sealed_values_open_only_for_their_row_and_key() {
        let k = SealingKey::from_hex(KEY).expect("key");
        let sealed = k.seal("LPAKAAAA", "lp_secret").expect("seal");
        assert!(sealed.starts_with("v1:") && !sealed.contains("lp_secret"));
        assert_eq!(k.open("LPAKAAAA", &sealed).as_deref(), Some("lp_secret"));
        assert_eq!(k.open("LPAKBBBB", &sealed), None, "another row");
        let other = SealingKey::from_hex(&KEY.replace("00", "ff")).expect("key");
        assert_eq!(other.open("LPAKAAAA", &sealed), None, "another key");
        // One flipped bit of the ciphertext, still valid base64: the tag
        // check is what refuses it.
        let mut raw = STANDARD.decode(&sealed[PREFIX.len()..]).expect("base64");
        raw[NONCE_LEN] ^= 1;
        let tampered = format!("{PREFIX}{}", STANDARD.encode(&raw));
        assert_eq!(k.open("LPAKAAAA", &tampered), None, "altered");
        assert_ne!(
            k.seal("LPAKAAAA", "lp_secret").ok(),
            Some(sealed),
            "fresh nonce"
        );
        assert!(SealingKey::from_hex("abc").is_err());
    }
}
