//! Partners and trust: identity cards received from other organisations, and every
//! trust decision about them (trust, distrust, revoke from a date), each one a ledger
//! entry signed by this organisation (docs/spec/trust.md).

use crate::checkpoint;
use crate::entry;
use crate::error::{Error, Result};
use crate::gs1::Gln;
use crate::hash::Hash;
use crate::identity::{self, IdentityCard, CARD_FORMAT};
use crate::ledger::{index::Record, Ledger, NewEntry};
use crate::signature::PublicKey;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use tradeseal_log::db::{Row, Sql};
use tradeseal_log::sql_params;
use ts_rs::TS;

pub const KIND_ADD: &str = "party.add";
pub const KIND_TRUST: &str = "party.trust";
pub const KIND_DISTRUST: &str = "party.distrust";
pub const KIND_REVOKE: &str = "party.revoke";
pub const KIND_ROTATE: &str = "party.rotate";

const REASON_MAX: usize = 500;

/// Checks that a received card is whole: every derived field belongs to its key. A card
/// whose key was swapped (key substitution) fails here, because its fingerprint, origin
/// and verifier key no longer match.
pub fn check_card(card: &IdentityCard) -> Result<IdentityCard> {
    if card.format != CARD_FORMAT {
        return Err(Error::invalid("card", format!("format {:?} is not {CARD_FORMAT}: this is not a TradeSeal identity card, or a newer one", card.format)));
    }
    let key = PublicKey::from_hex(&card.public_key).ok_or_else(|| {
        Error::invalid(
            "card",
            "the public key is not a valid (non-weak) Ed25519 key",
        )
    })?;
    let altered = |what: &str| {
        Error::invalid("card", format!("the {what} does not belong to the card's key: the card was altered (a substituted key?); ask the partner for their card again"))
    };
    if card.fingerprint != identity::fingerprint(&key) {
        return Err(altered("fingerprint"));
    }
    if card.origin != identity::origin_for(&key) {
        return Err(altered("log origin"));
    }
    if card.vkey != checkpoint::vkey(&card.origin, &key) {
        return Err(altered("verifier key"));
    }
    let org = identity::check_org(&card.org)?;
    let gln = card.gln.as_deref().map(Gln::parse).transpose()?;
    Ok(IdentityCard::new(&org, gln.as_ref(), &key, &card.origin))
}

/// Reads a card file (the JSON `tradeseal identity --json` prints).
pub fn parse_card(text: &str) -> Result<IdentityCard> {
    let card: IdentityCard = serde_json::from_str(text)
        .map_err(|e| Error::invalid("card", format!("not an identity card ({e})")))?;
    check_card(&card)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddPayload {
    pub card: IdentityCard,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionPayload {
    /// The party's public key, hex.
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokePayload {
    pub key: String,
    /// Events this party signed at or after this time fail verification.
    pub from: String,
    pub reason: String,
}

/// What this organisation has decided about a party.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "bindings.ts")]
pub enum TrustStatus {
    /// Card recorded, fingerprint not (yet) confirmed.
    Unknown,
    Trusted,
    Distrusted,
}

impl TrustStatus {
    fn as_str(self) -> &'static str {
        match self {
            TrustStatus::Unknown => "unknown",
            TrustStatus::Trusted => "trusted",
            TrustStatus::Distrusted => "distrusted",
        }
    }

    fn parse(s: &str) -> TrustStatus {
        match s {
            "trusted" => TrustStatus::Trusted,
            "distrusted" => TrustStatus::Distrusted,
            _ => TrustStatus::Unknown,
        }
    }
}

/// A party as the trust store holds it now.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct PartyView {
    pub card: IdentityCard,
    pub status: TrustStatus,
    /// Revoked from this time on (RFC 3339), with the reason.
    pub revoked_from: Option<String>,
    pub revoke_reason: Option<String>,
}

/// One trust decision, for a party's history.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct TrustDecision {
    #[ts(type = "number")]
    pub seq: u64,
    /// Entry kind: party.add, party.trust, party.distrust, party.revoke.
    pub kind: String,
    /// When it was recorded.
    pub time: String,
    #[ts(type = "unknown")]
    pub payload: serde_json::Value,
}

fn reason(text: Option<&str>, required: bool) -> Result<Option<String>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None if required => Err(Error::invalid(
            "reason",
            "say why (it is kept in the ledger as evidence)",
        )),
        None => Ok(None),
        Some(t)
            if t.chars().count() > REASON_MAX || t.chars().any(|c| c.is_control() && c != '\n') =>
        {
            Err(Error::invalid(
                "reason",
                format!("use at most {REASON_MAX} characters and no control characters"),
            ))
        }
        Some(t) => Ok(Some(t.to_string())),
    }
}

fn decision(
    kind: &str,
    payload: &impl Serialize,
    key: &str,
    status: Option<TrustStatus>,
) -> Result<NewEntry> {
    Ok(NewEntry {
        kind: kind.into(),
        payload: entry::canonical_payload(payload)?,
        index: Some(Record::Trust {
            key: key.into(),
            change: status.map(|s| s.as_str().to_string()),
        }),
    })
}

/// The entry recording a received card (checked first).
pub fn add_entry(card: &IdentityCard) -> Result<NewEntry> {
    let card = check_card(card)?;
    Ok(NewEntry {
        kind: KIND_ADD.into(),
        payload: entry::canonical_payload(&AddPayload { card: card.clone() })?,
        index: Some(Record::PartyCard {
            key: card.public_key.clone(),
            org: card.org.clone(),
            gln: card.gln.clone(),
            card: entry::canonical_payload(&card)?,
        }),
    })
}

pub fn trust_entry(key: &str) -> Result<NewEntry> {
    decision(
        KIND_TRUST,
        &DecisionPayload {
            key: key.into(),
            reason: None,
        },
        key,
        Some(TrustStatus::Trusted),
    )
}

pub fn distrust_entry(key: &str, why: Option<&str>) -> Result<NewEntry> {
    decision(
        KIND_DISTRUST,
        &DecisionPayload {
            key: key.into(),
            reason: reason(why, false)?,
        },
        key,
        Some(TrustStatus::Distrusted),
    )
}

pub fn revoke_entry(key: &str, from: Timestamp, why: &str) -> Result<NewEntry> {
    let why = reason(Some(why), true)?.expect("required");
    let e = decision(
        KIND_REVOKE,
        &RevokePayload {
            key: key.into(),
            from: from.to_rfc3339(),
            reason: why.clone(),
        },
        key,
        None,
    )?;
    Ok(NewEntry {
        index: Some(Record::Revoke {
            key: key.into(),
            from_ms: from.unix_millis(),
            reason: why,
        }),
        ..e
    })
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotatePayload {
    /// The key that handed over.
    pub key: String,
    /// The new key's card.
    pub card: IdentityCard,
    /// The entry hash of the partner's `key.rotate` entry, hex.
    pub handover: String,
}

/// The entry following a partner's key hand-over (checked in a bundle): the new key
/// gets the old key's card details, status and revocation. `None` when the old key is
/// not in the trust store or the new key is already.
pub fn rotate_entry(
    db: &dyn Sql,
    old_key: &str,
    new_card: &IdentityCard,
    handover: &Hash,
) -> Result<Option<NewEntry>> {
    let has = |k: &str| -> Result<bool> {
        Ok(db
            .query_one("SELECT 1 FROM parties WHERE key = ?1", sql_params![k])?
            .is_some())
    };
    if !has(old_key)? || has(&new_card.public_key)? {
        return Ok(None);
    }
    Ok(Some(NewEntry {
        kind: KIND_ROTATE.into(),
        payload: entry::canonical_payload(&RotatePayload {
            key: old_key.into(),
            card: new_card.clone(),
            handover: handover.to_hex(),
        })?,
        index: Some(Record::Rotate {
            old_key: old_key.into(),
            key: new_card.public_key.clone(),
            org: new_card.org.clone(),
            gln: new_card.gln.clone(),
            fingerprint: new_card.fingerprint.clone(),
            card: entry::canonical_payload(new_card)?,
        }),
    }))
}

/// Parses `--from`: an RFC 3339 time, or a date (`2026-03-01`, midnight UTC).
pub fn parse_from(text: &str) -> Result<Timestamp> {
    let t = text.trim();
    if t.len() == 10 {
        return Timestamp::parse_rfc3339(&format!("{t}T00:00:00Z")).map_err(|_| {
            Error::invalid("from", format!("{t:?} is not a date such as 2026-03-01"))
        });
    }
    Timestamp::parse_rfc3339(t).map_err(|_| {
        Error::invalid(
            "from",
            format!("{t:?} is not a date (2026-03-01) or time (2026-03-01T12:00:00Z)"),
        )
    })
}

fn row_to_view(r: &Row) -> Result<PartyView> {
    view(&r.text(0)?, &r.text(1)?, r.opt_int(2)?, r.opt_text(3)?)
}

fn view(
    card_json: &str,
    status: &str,
    from_ms: Option<i64>,
    why: Option<String>,
) -> Result<PartyView> {
    let card: IdentityCard = serde_json::from_str(card_json).map_err(|e| {
        Error::invalid(
            "ledger",
            format!("a stored card is unreadable ({e}): run `tradeseal verify`"),
        )
    })?;
    Ok(PartyView {
        card,
        status: TrustStatus::parse(status),
        revoked_from: from_ms
            .and_then(|ms| Timestamp::from_unix_millis(ms).ok())
            .map(|t| t.to_rfc3339()),
        revoke_reason: why,
    })
}

/// Every party, by organisation name.
pub fn list(ledger: &Ledger) -> Result<Vec<PartyView>> {
    ledger
        .sql()
        .query("SELECT card, status, revoked_from_ms, revoke_reason FROM parties ORDER BY lower(org), key", &[])?
        .iter()
        .map(row_to_view)
        .collect()
}

/// Finds one party by public key (or a unique prefix of at least 8 hex digits), GLN or
/// fingerprint.
pub fn find(ledger: &Ledger, id: &str) -> Result<PartyView> {
    let id = id.trim();
    let digits: String = id.chars().filter(|c| !c.is_whitespace()).collect();
    let rows = ledger.sql().query(
        "SELECT card, status, revoked_from_ms, revoke_reason FROM parties
          WHERE key = ?1 OR (length(?1) >= 8 AND key LIKE ?1 || '%') OR gln = ?1 OR replace(fingerprint, ' ', '') = ?2",
        sql_params![id.to_ascii_lowercase(), digits],
    )?;
    match rows.len() {
        0 => Err(Error::NotFound { what: format!("party {id:?}"), hint: "give its public key (or 8+ leading hex digits), GLN or fingerprint; `tradeseal party list` shows them".into() }),
        1 => row_to_view(&rows[0]),
        n => Err(Error::invalid("party", format!("{id:?} matches {n} parties: give more of the public key"))),
    }
}

/// The trust decisions recorded about a party, oldest first.
pub fn history(ledger: &Ledger, key: &str) -> Result<Vec<TrustDecision>> {
    ledger
        .sql()
        .query(
            "SELECT t.seq, e.kind, e.time_ms, e.payload FROM trust_log t JOIN entries e ON e.seq = t.seq WHERE t.key = ?1 ORDER BY t.seq",
            sql_params![key],
        )?
        .iter()
        .map(|r| {
            Ok(TrustDecision {
                seq: r.int(0)? as u64,
                kind: r.text(1)?,
                time: Timestamp::from_unix_millis(r.int(2)?)?.to_rfc3339(),
                payload: serde_json::from_str(&r.text(3)?).unwrap_or(serde_json::Value::Null),
            })
        })
        .collect()
}

/// The entry recording a received card in `ledger`: `None` when the card is recorded
/// already exactly as given; an error for the ledger owner's own card.
pub fn card_entry(ledger: &Ledger, card: &IdentityCard) -> Result<Option<NewEntry>> {
    let card = check_card(card)?;
    if ledger.is_own_key(&card.public_key)? {
        return Err(Error::invalid(
            "card",
            "this is your own card: add your partners' cards",
        ));
    }
    if has_card(ledger, &card)? {
        return Ok(None);
    }
    add_entry(&card).map(Some)
}

/// Whether the card is already recorded exactly as given.
pub fn has_card(ledger: &Ledger, card: &IdentityCard) -> Result<bool> {
    let stored: Option<String> = ledger
        .sql()
        .query_one(
            "SELECT card FROM parties WHERE key = ?1",
            sql_params![&card.public_key],
        )?
        .map(|r| r.text(0))
        .transpose()?;
    Ok(stored.is_some_and(|s| serde_json::from_str::<IdentityCard>(&s).is_ok_and(|c| c == *card)))
}

/// What a verifier concludes about a signer at the time of an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "status")]
#[ts(export_to = "bindings.ts")]
pub enum SignerStatus {
    /// This organisation's own key.
    Own,
    Trusted,
    /// No card, or a card whose fingerprint was not confirmed.
    Unknown,
    Distrusted,
    /// Revoked from `from`, before the event: the event fails.
    Revoked {
        from: String,
        reason: String,
    },
    /// Revoked later than the event: the event stands, marked.
    RevokedLater {
        from: String,
        reason: String,
    },
}

/// What the trust store says of a key, for events at any time: read once per signer.
#[derive(Clone, Debug)]
pub struct Standing {
    now: SignerStatus,
    /// Revoked from this time (ms), with the time's text and the reason.
    revoked: Option<(i64, String, String)>,
}

impl Standing {
    /// The signer's status for an event at `event_ms`.
    pub fn at(&self, event_ms: i64) -> SignerStatus {
        match &self.revoked {
            Some((from_ms, from, reason)) if event_ms >= *from_ms => SignerStatus::Revoked {
                from: from.clone(),
                reason: reason.clone(),
            },
            Some((_, from, reason)) => SignerStatus::RevokedLater {
                from: from.clone(),
                reason: reason.clone(),
            },
            None => self.now.clone(),
        }
    }
}

/// The standing of `key` in `ledger`'s trust store.
pub fn signer_standing(ledger: &Ledger, key: &str) -> Result<Standing> {
    let standing = |now| Standing { now, revoked: None };
    if ledger.is_own_key(key)? {
        return Ok(standing(SignerStatus::Own));
    }
    let row: Option<(String, Option<i64>, Option<String>)> = ledger
        .sql()
        .query_one(
            "SELECT status, revoked_from_ms, revoke_reason FROM parties WHERE key = ?1",
            sql_params![key],
        )?
        .map(|r| Ok::<_, Error>((r.text(0)?, r.opt_int(1)?, r.opt_text(2)?)))
        .transpose()?;
    let Some((status, from, why)) = row else {
        return Ok(standing(SignerStatus::Unknown));
    };
    if let Some(from) = from {
        let text = Timestamp::from_unix_millis(from)?.to_rfc3339();
        return Ok(Standing {
            now: SignerStatus::Unknown,
            revoked: Some((from, text, why.unwrap_or_default())),
        });
    }
    Ok(standing(match TrustStatus::parse(&status) {
        TrustStatus::Trusted => SignerStatus::Trusted,
        TrustStatus::Distrusted => SignerStatus::Distrusted,
        TrustStatus::Unknown => SignerStatus::Unknown,
    }))
}

/// The status of `key` for an event at `event_ms`.
pub fn signer_status(ledger: &Ledger, key: &str, event_ms: i64) -> Result<SignerStatus> {
    Ok(signer_standing(ledger, key)?.at(event_ms))
}
