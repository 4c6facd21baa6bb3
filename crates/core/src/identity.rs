//! The organisation's identity: its Ed25519 key (encrypted at rest with age), and the
//! public identity card partners compare by fingerprint.

use crate::checkpoint;
use crate::error::{Error, Result};
use crate::gs1::Gln;
use crate::signature::PublicKey;
use age::secrecy::SecretString;
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use ts_rs::TS;
use zeroize::Zeroizing;

pub const CARD_FORMAT: &str = "tradeseal-identity-card/v1";

/// Default scrypt work factor (log2 N) for the key file; about 0.5 s on the reference machine.
pub const DEFAULT_KDF_LOG_N: u8 = 18;
/// Largest work factor accepted when opening a key file (age's own default cap).
const MAX_KDF_LOG_N: u8 = 22;
pub const PASSPHRASE_MIN_CHARS: usize = 8;

/// The public half of an identity, safe to print, share and show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct IdentityCard {
    pub format: String,
    pub org: String,
    pub gln: Option<String>,
    /// Ed25519 public key, lowercase hex.
    pub public_key: String,
    /// Six groups of five digits, for reading aloud and comparing.
    pub fingerprint: String,
    /// The ledger's log origin (and checkpoint key name).
    pub origin: String,
    /// The C2SP verifier key of the checkpoints.
    pub vkey: String,
}

impl IdentityCard {
    pub fn new(org: &str, gln: Option<&Gln>, key: &PublicKey, origin: &str) -> IdentityCard {
        IdentityCard {
            format: CARD_FORMAT.to_string(),
            org: org.to_string(),
            gln: gln.map(|g| g.to_string()),
            public_key: key.to_hex(),
            fingerprint: fingerprint(key),
            origin: origin.to_string(),
            vkey: checkpoint::vkey(origin, key),
        }
    }

    pub fn public_key(&self) -> Result<PublicKey> {
        PublicKey::from_hex(&self.public_key)
            .ok_or_else(|| Error::invalid("public_key", "not a valid Ed25519 public key"))
    }
}

/// Checks an organisation name for the card.
pub fn check_org(org: &str) -> Result<String> {
    let o = org.trim();
    if o.is_empty() {
        return Err(Error::invalid("org", "the organisation name is empty"));
    }
    if o.chars().count() > 200 || o.chars().any(char::is_control) {
        return Err(Error::invalid(
            "org",
            "the organisation name must be one line of at most 200 characters",
        ));
    }
    Ok(o.to_string())
}

pub fn check_passphrase(p: &str) -> Result<()> {
    if p.chars().count() < PASSPHRASE_MIN_CHARS {
        return Err(Error::invalid(
            "passphrase",
            format!("use at least {PASSPHRASE_MIN_CHARS} characters"),
        ));
    }
    Ok(())
}

pub use tradeseal_log::key::{fingerprint, origin_for};

/// The text of a card's QR code: the card as RFC 8785 canonical JSON (identity.md,
/// "QR form").
pub fn card_qr_text(card: &IdentityCard) -> String {
    crate::canonical::to_canonical(card).expect("a card serialises")
}

/// The card as a QR code: UTF-8 declared by ECI 26 (so readers do not guess another
/// character set for names like "São João"), byte mode, error correction level M, the
/// smallest version that holds it.
pub fn card_qr(card: &IdentityCard) -> qrcode::QrCode {
    utf8_qr(card_qr_text(card).as_bytes(), qrcode::EcLevel::M).expect("a card fits in a QR code")
}

/// `data` (UTF-8 text) as a QR code with the UTF-8 ECI designator, in the smallest
/// version that holds it; `None` when it is too long for any.
pub fn utf8_qr(data: &[u8], ec: qrcode::EcLevel) -> Option<qrcode::QrCode> {
    (1..=40).find_map(|v| {
        let mut bits = qrcode::bits::Bits::new(qrcode::Version::Normal(v));
        bits.push_eci_designator(26).ok()?;
        bits.push_byte_data(data).ok()?;
        bits.push_terminator(ec).ok()?;
        qrcode::QrCode::with_bits(bits, ec).ok()
    })
}

/// A QR code's modules for drawing: its width and one flag per module, row by row.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct QrModules {
    pub width: u32,
    /// `true` for dark modules, row after row.
    pub dark: Vec<bool>,
}

impl QrModules {
    pub fn of(code: &qrcode::QrCode) -> QrModules {
        QrModules {
            width: code.width() as u32,
            dark: code
                .to_colors()
                .into_iter()
                .map(|c| c == qrcode::Color::Dark)
                .collect(),
        }
    }

    /// An SVG image of the code (with its 4-module quiet zone), `scale` px per module:
    /// one rectangle per run of dark modules in a row.
    pub fn svg(&self, scale: u32) -> String {
        let side = (self.width + 8) * scale;
        let mut out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{side}\" height=\"{side}\" shape-rendering=\"crispEdges\">\n<rect x=\"0\" y=\"0\" width=\"{side}\" height=\"{side}\" fill=\"#ffffff\" stroke=\"none\"/>\n"
        );
        for (row, col, len) in self.runs() {
            out.push_str(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{scale}\" fill=\"#000000\" stroke=\"none\"/>\n",
                (col + 4) * scale,
                (row + 4) * scale,
                len * scale
            ));
        }
        out.push_str("</svg>\n");
        out
    }

    /// Runs of dark modules: (row, first column, length).
    pub fn runs(&self) -> Vec<(u32, u32, u32)> {
        let n = self.width;
        let mut out = Vec::new();
        for row in 0..n {
            let mut col = 0;
            while col < n {
                if self.dark[(row * n + col) as usize] {
                    let start = col;
                    while col < n && self.dark[(row * n + col) as usize] {
                        col += 1;
                    }
                    out.push((row, start, col - start));
                } else {
                    col += 1;
                }
            }
        }
        out
    }
}

/// A printable page with the card: organisation, GLN, fingerprint in large digits, and
/// the QR code, for handing to a partner in person.
pub fn card_pdf(
    card: &IdentityCard,
    page: crate::pdf::PageSize,
    lang: crate::i18n::Lang,
) -> Vec<u8> {
    use crate::pdf::{colour, Doc, Style};
    let t = |key: &str| lang.text(key);
    let mut d = Doc::new(
        &lang.fill("pdf.card.title", &[("org", &card.org)]),
        page,
        t("pdf.card.footer"),
    );
    d.set_lang(lang);
    let m = d.margin;
    d.text_at(m, d.y, &card.org, Style::new(20.0, true, colour::TEXT));
    d.y += 11.0;
    let rows = vec![
        ("GLN", card.gln.clone().unwrap_or_else(|| "-".into())),
        (t("pdf.card.publicKey"), card.public_key.clone()),
        (t("pdf.card.origin"), card.origin.clone()),
    ];
    d.fields(&rows, 30.0);
    d.y += 4.0;
    d.text_at(
        m,
        d.y,
        t("pdf.fingerprint"),
        Style::new(10.0, false, colour::MUTED),
    );
    d.y += 6.0;
    d.text_at(
        m,
        d.y,
        &card.fingerprint,
        Style::new(18.0, true, colour::TEXT),
    );
    d.y += 14.0;
    let code = card_qr(card);
    let module = 100.0 / (code.width() as f32 + 8.0);
    let x = (d.page_width() - 100.0) / 2.0;
    let y = d.y;
    d.qr(x, y, module, &code);
    d.y += 106.0;
    d.paragraph(t("pdf.card.compare"), Style::new(9.5, false, colour::MUTED));
    d.finish()
}

/// An unlocked identity: the signing key and its card.
pub struct Signer {
    pub key: SigningKey,
    pub card: IdentityCard,
}

impl Signer {
    pub fn public_key(&self) -> PublicKey {
        PublicKey::of(&self.key)
    }
}

/// The key file: an age file (scrypt recipient) whose plaintext is the 32-byte Ed25519 seed.
pub fn encrypt_seed(seed: &[u8; 32], passphrase: &str, log_n: u8) -> Result<Vec<u8>> {
    let mut recipient = age::scrypt::Recipient::new(SecretString::from(passphrase.to_owned()));
    recipient.set_work_factor(log_n);
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .map_err(|e| Error::invalid("passphrase", e.to_string()))?;
    let mut out = Vec::new();
    let io = |e| Error::io("encrypting the key file", e);
    let mut w = encryptor.wrap_output(&mut out).map_err(io)?;
    w.write_all(seed).map_err(io)?;
    w.finish().map_err(io)?;
    Ok(out)
}

pub fn decrypt_seed(
    file: &[u8],
    passphrase: &str,
    path: &std::path::Path,
) -> Result<Zeroizing<[u8; 32]>> {
    let not_key = |why: String| Error::NotAHome {
        path: path.to_path_buf(),
        reason: format!("the key file is unreadable: {why}"),
    };
    let decryptor = age::Decryptor::new(file).map_err(|e| not_key(e.to_string()))?;
    if !decryptor.is_scrypt() {
        return Err(not_key("it is not passphrase-encrypted".into()));
    }
    let mut identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_owned()));
    identity.set_max_work_factor(MAX_KDF_LOG_N);
    let mut reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
                Error::WrongPassphrase {
                    path: path.to_path_buf(),
                }
            }
            other => not_key(other.to_string()),
        })?;
    let mut buf = Zeroizing::new(Vec::new());
    reader
        .read_to_end(&mut buf)
        .map_err(|e| not_key(e.to_string()))?;
    let seed: [u8; 32] = buf
        .as_slice()
        .try_into()
        .map_err(|_| not_key("it does not hold a 32-byte key".into()))?;
    Ok(Zeroizing::new(seed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_six_groups_of_five_digits() {
        let pk = PublicKey::of(&SigningKey::from_bytes(&[1; 32]));
        let f = fingerprint(&pk);
        assert_eq!(f.len(), 35);
        assert!(f
            .split(' ')
            .all(|g| g.len() == 5 && g.bytes().all(|b| b.is_ascii_digit())));
        assert_ne!(
            f,
            fingerprint(&PublicKey::of(&SigningKey::from_bytes(&[2; 32])))
        );
    }

    #[test]
    fn key_file_round_trips_and_refuses_a_wrong_passphrase() {
        let p = std::path::Path::new("identity.age");
        let file = encrypt_seed(&[5; 32], "correct horse", 10).unwrap();
        assert!(file.starts_with(b"age-encryption.org/v1\n"));
        assert!(
            !file.windows(32).any(|w| w == [5; 32]),
            "the seed must not appear in clear"
        );
        assert_eq!(*decrypt_seed(&file, "correct horse", p).unwrap(), [5; 32]);
        assert!(matches!(
            decrypt_seed(&file, "wrong horse", p),
            Err(Error::WrongPassphrase { .. })
        ));
        assert!(matches!(
            decrypt_seed(b"not age", "x", p),
            Err(Error::NotAHome { .. })
        ));
    }
}
