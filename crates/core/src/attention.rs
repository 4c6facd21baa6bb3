//! What needs attention in a home: the app's Home screen. Drafts whose fields have
//! errors, partners' cards recorded and not yet confirmed, the labels issued today, and
//! the ledger's latest checkpoint beside the last one handed out in a bundle.

use crate::bundle::FindingSeverity;
use crate::codelists::CodeLists;
use crate::dossier::{checks, store};
use crate::error::Result;
use crate::identity::IdentityCard;
use crate::ledger::Ledger;
use crate::parties::{self, TrustStatus};
use crate::time::Timestamp;
use serde::Serialize;
use tradeseal_log::db::Sql;
use ts_rs::TS;

/// Drafts looked at, newest first (each is validated field by field).
const DRAFTS_LOOKED_AT: usize = 50;

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct DraftAttention {
    pub id: String,
    #[ts(optional)]
    pub lrn: Option<String>,
    /// Errors of its fields (provenance and EUDR are checked when it is opened).
    pub errors: u32,
    pub updated: String,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct Attention {
    /// Drafts with errors to correct before they can be sealed.
    pub drafts: Vec<DraftAttention>,
    /// Partners' cards recorded whose fingerprint was never confirmed.
    pub unconfirmed: Vec<IdentityCard>,
    /// Labels issued since the start of today (UTC).
    pub labels_today: u32,
    /// Entries in the ledger, and the size its latest checkpoint signs.
    #[ts(type = "number")]
    pub entries: u64,
    #[ts(type = "number")]
    pub checkpoint_size: u64,
    /// The size of the latest checkpoint handed out in a bundle, if any was.
    #[ts(type = "number | null")]
    pub handed_out: Option<u64>,
    /// Partners' bundles verified here whose chain was not imported (filled in from the
    /// home's record by `with_received`).
    pub received: Vec<crate::received::Received>,
}

impl Attention {
    /// With the bundles verified in the home at `home` and not imported.
    pub fn with_received(mut self, home: &std::path::Path) -> Attention {
        self.received = crate::received::pending(home);
        self
    }
}

/// What needs attention in `ledger` at `now`.
pub fn attention(ledger: &Ledger, lists: &CodeLists, now: Timestamp) -> Result<Attention> {
    let mut drafts = Vec::new();
    for s in store::list(ledger, "")?
        .into_iter()
        .filter(|s| s.status == store::Status::Draft)
        .take(DRAFTS_LOOKED_AT)
    {
        let d = store::get(ledger, &s.id, None)?;
        let errors = checks::validate(&d.dossier, lists)
            .iter()
            .filter(|c| c.severity == FindingSeverity::Error)
            .count() as u32;
        if errors > 0 {
            drafts.push(DraftAttention {
                id: s.id,
                lrn: s.lrn,
                errors,
                updated: s.updated,
            });
        }
    }
    let unconfirmed = parties::list(ledger)?
        .into_iter()
        .filter(|p| p.status == TrustStatus::Unknown)
        .map(|p| p.card)
        .collect();
    let day = now.unix_millis() - now.unix_millis().rem_euclid(86_400_000);
    let mut labels_today = 0u32;
    for r in ledger.sql().query(
        "SELECT payload FROM entries WHERE kind = ?1 AND time_ms >= ?2",
        tradeseal_log::sql_params![crate::label::issue::KIND_ISSUE, day],
    )? {
        let count = serde_json::from_str::<serde_json::Value>(&r.text(0)?)
            .ok()
            .and_then(|p| p["count"].as_u64())
            .unwrap_or(0);
        labels_today = labels_today.saturating_add(count as u32);
    }
    let entries = ledger.size()?;
    let checkpoint_size = if entries == 0 {
        0
    } else {
        ledger.checkpoint()?.0.size
    };
    let handed_out = ledger
        .sql()
        .query_one(
            "SELECT MAX(size) FROM handed_out WHERE origin = ?1",
            tradeseal_log::sql_params![ledger.origin()],
        )?
        .and_then(|r| r.opt_int(0).ok().flatten())
        .map(|n| n as u64);
    Ok(Attention {
        drafts,
        unconfirmed,
        labels_today,
        entries,
        checkpoint_size,
        handed_out,
        received: Vec::new(),
    })
}
