//! Who may commit to a v2 ledger at each point (ledger.md §7, §8.2): the officer set,
//! replayed from the officer-set entries in ledger order, for verifying a whole ledger
//! or an excerpt of one. Also the one findings list both verifications report in.

use crate::commit::OfficerCard;
use crate::entry::BodyV2;
use crate::signature::PublicKey;
use crate::time::Timestamp;
use serde_json::Value as Json;
use std::collections::HashMap;

pub const KIND_OFFICER_ADD: &str = "officer.add";
pub const KIND_OFFICER_REVOKE: &str = "officer.revoke";
pub const KIND_OFFICER_ROTATE: &str = "officer.rotate";
/// The organisation key's hand-over (identity.md; ledger.md §8.2).
pub const KIND_KEY_ROTATE: &str = "key.rotate";
/// Kinds that change the officer set; only the store writes them.
pub const SET_KINDS: [&str; 4] = [
    KIND_OFFICER_ADD,
    KIND_OFFICER_REVOKE,
    KIND_OFFICER_ROTATE,
    KIND_KEY_ROTATE,
];

/// One finding of a verification (ledger.md §5, §11; bundle.md v2 codes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub seq: Option<u64>,
    pub message: String,
}

/// Findings as they are found.
#[derive(Clone, Debug, Default)]
pub struct Findings(pub Vec<Finding>);

impl Findings {
    pub fn add(&mut self, code: &'static str, seq: Option<u64>, message: impl Into<String>) {
        self.0.push(Finding {
            code,
            seq,
            message: message.into(),
        });
    }

    /// The attribution rule (ledger.md §9): the entry's author is its commit's signer
    /// `key`, and it carries the commit's time.
    pub fn check_entry(&mut self, b: &BodyV2, key: &PublicKey, time: Timestamp) {
        if b.author != key.to_bytes() {
            self.add(
                "author-mismatch",
                Some(b.seq),
                format!(
                    "entry {} names {} as its author, but {} signed its commit",
                    b.seq,
                    hex::encode(b.author),
                    key.to_hex()
                ),
            );
        }
        if b.kind == crate::store::KIND_LEDGER_UPGRADE {
            self.add(
                "entry-malformed",
                Some(b.seq),
                "ledger.upgrade is a version 1 entry, never a version 2 one (ledger.md §8.3)",
            );
        }
        if b.time != time {
            self.add(
                "commit-time",
                Some(b.seq),
                "the entry's time is not its commit's",
            );
        }
    }
}

struct Member {
    role: String,
    /// The officer-set entry that revoked the key.
    revoked_at: Option<u64>,
}

/// The officer set of one ledger as its entries are replayed.
pub struct OfficerSet {
    origin: String,
    org: PublicKey,
    members: HashMap<[u8; 32], Member>,
    /// Revocations reach back to their `from` time (the earliest, per key).
    revoked_from: HashMap<[u8; 32], i64>,
    /// (seq, key) of officer.revoke entries an officer committed for their own key.
    self_revocations: Vec<(u64, [u8; 32])>,
    /// Organisation keys handed over (`key.rotate`): they commit nothing more.
    retired: Vec<[u8; 32]>,
    head: Option<u64>,
}

impl OfficerSet {
    /// The set before the first entry; `set_entries` are all the officer-set entries
    /// the verifier holds (revocations reach back, so they are read first).
    pub fn new<'a>(
        origin: &str,
        org: PublicKey,
        set_entries: impl IntoIterator<Item = &'a BodyV2>,
    ) -> Self {
        let mut s = OfficerSet {
            origin: origin.to_string(),
            org,
            members: HashMap::new(),
            revoked_from: HashMap::new(),
            self_revocations: Vec::new(),
            retired: Vec::new(),
            head: None,
        };
        for b in set_entries
            .into_iter()
            .filter(|b| b.kind == KIND_OFFICER_REVOKE)
        {
            let p: Json = serde_json::from_str(&b.payload).unwrap_or_default();
            if let (Some(k), Some(f)) = (revoked_key(&p), revoked_time(&p)) {
                let e = s.revoked_from.entry(k.to_bytes()).or_insert(i64::MAX);
                *e = (*e).min(f.unix_millis());
                if k.to_bytes() == b.author {
                    s.self_revocations.push((b.seq, b.author));
                }
            }
        }
        s
    }

    /// The latest officer-set entry replayed.
    pub fn head(&self) -> Option<u64> {
        self.head
    }

    /// The organisation's key in force after the entries replayed.
    pub fn org(&self) -> &PublicKey {
        &self.org
    }

    fn is_admin(&self, key: &PublicKey) -> bool {
        *key == self.org
            || self
                .members
                .get(&key.to_bytes())
                .is_some_and(|m| m.role == "admin" && m.revoked_at.is_none())
    }

    /// Whether `key` may sign the commit `[start, end)` made at `time`, given the
    /// entries replayed so far (those before `start`).
    pub fn check_commit(
        &self,
        f: &mut Findings,
        key: &PublicKey,
        start: u64,
        end: u64,
        time: Timestamp,
    ) {
        if *key == self.org {
            return;
        }
        if self.retired.contains(&key.to_bytes()) {
            return f.add(
                "key-retired",
                Some(start),
                format!(
                    "commit [{start}, {end}) is signed by {}, an organisation key handed over before it",
                    key.to_hex()
                ),
            );
        }
        let Some(m) = self.members.get(&key.to_bytes()) else {
            return f.add(
                "unknown-author",
                Some(start),
                format!(
                    "commit [{start}, {end}) is signed by {}, which no administrator enrolled before it",
                    key.to_hex()
                ),
            );
        };
        let own = self
            .self_revocations
            .iter()
            .any(|(seq, k)| (start..end).contains(seq) && *k == key.to_bytes());
        let from = self.revoked_from.get(&key.to_bytes());
        if m.revoked_at.is_some() || (!own && from.is_some_and(|&t| time.unix_millis() >= t)) {
            f.add(
                "officer-revoked",
                Some(start),
                format!(
                    "commit [{start}, {end}) is signed by {} after its revocation",
                    key.to_hex()
                ),
            );
        }
    }

    /// Replays one officer-set entry `b` committed by `by`.
    pub fn apply(&mut self, f: &mut Findings, by: &PublicKey, b: &BodyV2) {
        let before = self.head;
        self.head = Some(b.seq);
        let p: Json = match serde_json::from_str(&b.payload) {
            Ok(p) => p,
            Err(_) => {
                return f.add(
                    "officer-entry-invalid",
                    Some(b.seq),
                    "the payload is not JSON",
                )
            }
        };
        if p.get("after").and_then(Json::as_u64) != before {
            f.add(
                "officer-entry-invalid",
                Some(b.seq),
                "`after` does not name the previous officer-set entry",
            );
        }
        let admin = self.is_admin(by);
        match b.kind.as_str() {
            KIND_OFFICER_ADD => {
                if !admin {
                    f.add(
                        "not-an-admin",
                        Some(b.seq),
                        "an officer was enrolled by a key that is not an administrator",
                    );
                }
                let card: Option<OfficerCard> = p
                    .get("card")
                    .and_then(|c| serde_json::from_value(c.clone()).ok());
                let role = p.get("role").and_then(Json::as_str).unwrap_or("");
                match card.as_ref().map(OfficerCard::check) {
                    Some(Ok(k)) if (role == "officer" || role == "admin") && k != self.org => {
                        self.members.entry(k.to_bytes()).or_insert(Member {
                            role: role.to_string(),
                            revoked_at: None,
                        });
                    }
                    _ => f.add(
                        "officer-entry-invalid",
                        Some(b.seq),
                        "the officer card or role does not check",
                    ),
                }
            }
            KIND_OFFICER_REVOKE => match (revoked_key(&p), revoked_time(&p)) {
                (Some(k), Some(_)) if admin || k == *by => {
                    match self.members.get_mut(&k.to_bytes()) {
                        Some(m) => m.revoked_at = Some(b.seq),
                        None => f.add(
                            "officer-entry-invalid",
                            Some(b.seq),
                            "the revoked key was never enrolled",
                        ),
                    }
                }
                (Some(_), Some(_)) => f.add(
                    "not-an-admin",
                    Some(b.seq),
                    "an officer was revoked by a key that is neither an administrator nor theirs",
                ),
                _ => f.add(
                    "officer-entry-invalid",
                    Some(b.seq),
                    "the revocation names no key or time",
                ),
            },
            KIND_OFFICER_ROTATE => self.rotate(f, by, b, &p),
            KIND_KEY_ROTATE => self.hand_over(f, by, b, &p),
            _ => {}
        }
    }
}

impl OfficerSet {
    /// `officer.rotate` (§8.2), committed by the officer's old key `by`: the new card is
    /// whole and of this ledger, its key new to the set, its signature over the hand-over
    /// strict; then the new key takes the old one's role and the old key commits nothing
    /// more.
    fn rotate(&mut self, f: &mut Findings, by: &PublicKey, b: &BodyV2, p: &Json) {
        let invalid = |f: &mut Findings, why: &str| {
            f.add("officer-entry-invalid", Some(b.seq), why.to_string())
        };
        let role = match self.members.get(&by.to_bytes()) {
            Some(m) if m.revoked_at.is_none() => m.role.clone(),
            _ => {
                return invalid(
                    f,
                    "the hand-over is not committed by an enrolled officer's key in force",
                )
            }
        };
        let card: Option<OfficerCard> = p
            .get("new_card")
            .and_then(|c| serde_json::from_value(c.clone()).ok());
        let Some(Ok(new)) = card
            .as_ref()
            .filter(|c| c.origin == self.origin)
            .map(OfficerCard::check)
        else {
            return invalid(
                f,
                "the new officer card does not check, or is another ledger's",
            );
        };
        if new == self.org || new == *by || self.members.contains_key(&new.to_bytes()) {
            return invalid(
                f,
                "the new key is the organisation's, the old one, or enrolled already",
            );
        }
        let sig: Option<[u8; 64]> = p
            .get("new_signature")
            .and_then(Json::as_str)
            .and_then(|h| hex::decode(h).ok())
            .and_then(|v| v.try_into().ok());
        let message = crate::commit::officer_rotate_message(&self.origin, by, &new);
        if !sig.is_some_and(|s| new.verify(&message, &s)) {
            return invalid(
                f,
                "the new key's signature over the hand-over does not verify",
            );
        }
        if let Some(m) = self.members.get_mut(&by.to_bytes()) {
            m.revoked_at = Some(b.seq);
        }
        self.members.insert(
            new.to_bytes(),
            Member {
                role,
                revoked_at: None,
            },
        );
    }
}

impl OfficerSet {
    /// `key.rotate` (identity.md, ledger.md §8.2), committed by the organisation's key
    /// in force `by`: the old card is `by`'s, the new card is of this ledger and its key
    /// new to the set, and the new key's signature over the hand-over is strict; then
    /// the new key is the organisation's and the old one commits nothing more.
    fn hand_over(&mut self, f: &mut Findings, by: &PublicKey, b: &BodyV2, p: &Json) {
        let invalid =
            |f: &mut Findings, why: &str| f.add("rotation-invalid", Some(b.seq), why.to_string());
        if *by != self.org {
            return invalid(
                f,
                "the hand-over is not committed by the organisation's key in force",
            );
        }
        let card_key = |c: &str| {
            p.get(c)
                .and_then(|c| c.get("public_key"))
                .and_then(Json::as_str)
                .and_then(PublicKey::from_hex)
        };
        let origin_of = |c: &str| {
            p.get(c)
                .and_then(|c| c.get("origin"))
                .and_then(Json::as_str)
        };
        if card_key("old_card") != Some(*by) || origin_of("old_card") != Some(&self.origin) {
            return invalid(f, "the old card is not the handing key's, of this ledger");
        }
        let Some(new) =
            card_key("new_card").filter(|_| origin_of("new_card") == Some(&self.origin))
        else {
            return invalid(f, "the new card names no key, or another ledger");
        };
        if new == *by
            || self.members.contains_key(&new.to_bytes())
            || self.retired.contains(&new.to_bytes())
        {
            return invalid(
                f,
                "the new key is the old one, an officer's, or was the organisation's",
            );
        }
        let sig: Option<[u8; 64]> = p
            .get("new_signature")
            .and_then(Json::as_str)
            .and_then(|h| hex::decode(h).ok())
            .and_then(|v| v.try_into().ok());
        let message = crate::commit::key_rotate_message(&self.origin, by, &new);
        if !sig.is_some_and(|s| new.verify(&message, &s)) {
            return invalid(
                f,
                "the new key's signature over the hand-over does not verify",
            );
        }
        self.retired.push(by.to_bytes());
        self.org = new;
    }
}

fn revoked_key(p: &Json) -> Option<PublicKey> {
    p.get("key")
        .and_then(Json::as_str)
        .and_then(PublicKey::from_hex)
}

fn revoked_time(p: &Json) -> Option<Timestamp> {
    p.get("from")
        .and_then(Json::as_str)
        .and_then(|t| Timestamp::parse_canonical(t).ok())
}
