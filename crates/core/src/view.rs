//! Read models of ledger entries shared by the CLI's `--json` output and the desktop UI.

use crate::entry::{Entry, KIND_NOTE};
use serde::Serialize;
use ts_rs::TS;

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct EntryView {
    #[ts(type = "number")]
    pub seq: u64,
    pub kind: String,
    /// RFC 3339, UTC, milliseconds.
    pub time: String,
    /// Unix milliseconds, for formatting in the user's locale.
    pub time_ms: f64,
    pub author: String,
    pub prev: String,
    pub hash: String,
    pub signature: String,
    #[ts(type = "unknown")]
    pub payload: serde_json::Value,
    /// One line for lists.
    pub summary: String,
    /// Who made it, on a team ledger: the officer's name (or the organisation's, for
    /// its own key).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub officer: Option<String>,
}

impl From<&Entry> for EntryView {
    fn from(e: &Entry) -> EntryView {
        let payload: serde_json::Value =
            serde_json::from_str(&e.body.payload).unwrap_or(serde_json::Value::Null);
        let summary =
            summarise(&e.body.kind, &payload).unwrap_or_else(|| first_line(&e.body.payload, 120));
        EntryView {
            seq: e.body.seq,
            kind: e.body.kind.clone(),
            time: e.body.time.to_rfc3339(),
            time_ms: e.body.time.unix_millis() as f64,
            author: hex::encode(e.body.author),
            prev: e.body.prev.to_hex(),
            hash: e.hash.to_hex(),
            signature: hex::encode(e.signature),
            payload,
            summary,
            officer: None,
        }
    }
}

impl EntryView {
    /// A version 2 entry (no `prev`, no signature of its own: its commit's note signs it).
    pub fn of_v2(
        seq: u64,
        kind: &str,
        time: crate::time::Timestamp,
        author: &[u8],
        payload_text: &str,
        hash: &[u8],
    ) -> EntryView {
        let payload: serde_json::Value =
            serde_json::from_str(payload_text).unwrap_or(serde_json::Value::Null);
        let summary = summarise(kind, &payload).unwrap_or_else(|| first_line(payload_text, 120));
        EntryView {
            seq,
            kind: kind.to_string(),
            time: time.to_rfc3339(),
            time_ms: time.unix_millis() as f64,
            author: hex::encode(author),
            prev: String::new(),
            hash: hex::encode(hash),
            signature: String::new(),
            payload,
            summary,
            officer: None,
        }
    }
}

/// One line for an entry of a known kind.
fn summarise(kind: &str, payload: &serde_json::Value) -> Option<String> {
    let s = |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    match kind {
        KIND_NOTE => Some(first_line(&s(payload, "text")?, 120)),
        crate::epcis::KIND_EVENT => {
            let ev = payload.get("event")?;
            let step = s(ev, "bizStep").map(|b| {
                let b = crate::epcis::BIZ_STEP.short(&b).to_string();
                b.strip_prefix("urn:epcglobal:cbv:bizstep:")
                    .map(str::to_string)
                    .unwrap_or(b)
            });
            let mut line = format!("{} {}", s(ev, "type")?, s(ev, "eventTime")?);
            if let Some(step) = step {
                line = format!("{line} {step}");
            }
            if let Some(a) = s(ev, "action") {
                line = format!("{line} {a}");
            }
            Some(first_line(&line, 120))
        }
        crate::masterdata::KIND_PRODUCT => Some(format!(
            "product {} {}",
            s(payload, "gtin")?,
            first_line(&s(payload, "name")?, 80)
        )),
        crate::masterdata::KIND_LOCATION => Some(format!(
            "location {} {}",
            s(payload, "gln")?,
            first_line(&s(payload, "name")?, 80)
        )),
        crate::masterdata::KIND_PARTY => Some(format!(
            "party {} {}",
            s(payload, "gln")?,
            first_line(&s(payload, "name")?, 80)
        )),
        crate::parties::KIND_ADD => {
            let c = payload.get("card")?;
            Some(format!(
                "party card {} ({})",
                first_line(&s(c, "org")?, 60),
                s(c, "fingerprint")?
            ))
        }
        crate::bundle::KIND_IMPORT => Some(format!(
            "bundle import: {} new entries of {} ({})",
            payload.get("new_entries")?.as_u64()?,
            crate::trace::label_of(payload.get("subject")?.get("id")?.as_str()?),
            s(payload, "verdict")?
        )),
        tradeseal_log::store::KIND_OFFICER_ADD => {
            let c = payload.get("card")?;
            Some(format!(
                "officer {} enrolled as {} ({})",
                first_line(&s(c, "name")?, 60),
                s(payload, "role")?,
                s(c, "fingerprint")?
            ))
        }
        tradeseal_log::store::KIND_OFFICER_REVOKE => Some(format!(
            "officer {} revoked from {}: {}",
            &s(payload, "key")?.get(..16)?,
            s(payload, "from")?,
            first_line(&s(payload, "reason")?, 60)
        )),
        crate::parties::KIND_TRUST => Some(format!("trust {}", &s(payload, "key")?.get(..16)?)),
        crate::parties::KIND_DISTRUST => {
            Some(format!("distrust {}", &s(payload, "key")?.get(..16)?))
        }
        crate::parties::KIND_REVOKE => Some(format!(
            "revoke {} from {}: {}",
            &s(payload, "key")?.get(..16)?,
            s(payload, "from")?,
            first_line(&s(payload, "reason")?, 60)
        )),
        crate::keys::KIND_ROTATE => {
            let c = payload.get("new_card")?;
            Some(format!(
                "key hand-over to {} ({})",
                &s(c, "public_key")?.get(..16)?,
                s(c, "fingerprint")?
            ))
        }
        crate::parties::KIND_ROTATE => {
            let c = payload.get("card")?;
            Some(format!(
                "follow {}'s key hand-over from {} to {}",
                first_line(&s(c, "org")?, 60),
                &s(payload, "key")?.get(..16)?,
                &s(c, "public_key")?.get(..16)?
            ))
        }
        _ => None,
    }
}

fn first_line(s: &str, max: usize) -> String {
    let line = s.lines().next().unwrap_or("");
    if line.chars().count() > max || s.lines().nth(1).is_some() {
        let cut: String = line.chars().take(max).collect();
        format!("{cut}…")
    } else {
        line.to_string()
    }
}

/// What the app shows before and after unlocking.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct SessionView {
    /// The home folder in use.
    pub home: String,
    /// A home exists there (else the app offers to create one).
    pub exists: bool,
    pub unlocked: bool,
    pub card: Option<crate::identity::IdentityCard>,
    /// Minutes without activity after which the app locks the key.
    pub idle_lock_minutes: u32,
}

/// The ledger's size and latest signed checkpoint.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct LedgerView {
    #[ts(type = "number")]
    pub size: u64,
    pub root: String,
    pub checkpoint: String,
}

/// One entry with its inclusion proof, for the details pane.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct EntryDetail {
    pub entry: EntryView,
    pub proof: crate::proof::InclusionProof,
}

/// Progress of a long task, sent as an event.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct ProgressView {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}
