//! Clone detection (docs/spec/qr.md §6): every label scanned is logged with where and
//! when it was seen; a serial seen at another place within a day, or after the ledger
//! recorded it sold, destroyed or stolen, is flagged as a probable copy.

use super::verify::LabelReport;
use crate::bundle::{BundleVerdict, FindingSeverity};
use crate::dossier::checks::Checks;
use crate::error::Result;
use crate::ledger::Ledger;
use crate::time::Timestamp;
use tradeseal_log::db::Sql;
use tradeseal_log::sql_params;

/// Two sightings of one serial at different places closer than this are a clone.
pub const CLONE_WINDOW_MS: i64 = 24 * 3600 * 1000;

/// Where and when a scan happened, and of what.
pub struct Sighting<'a> {
    /// The place, as the person scanning names it (a GLN, a site, a shop).
    pub place: &'a str,
    /// The file the code was read from.
    pub source: &'a str,
    pub time: Timestamp,
}

/// The EPCIS dispositions after which an item should never be scanned again, with
/// the finding each raises.
const AFTER: &[(&str, &str, FindingSeverity, &str)] = &[
    (
        "destroyed",
        "label-after-destroyed",
        FindingSeverity::Error,
        "destroyed",
    ),
    (
        "disposed",
        "label-after-destroyed",
        FindingSeverity::Error,
        "disposed of",
    ),
    (
        "stolen",
        "label-after-stolen",
        FindingSeverity::Error,
        "stolen",
    ),
    (
        "retail_sold",
        "label-after-sold",
        FindingSeverity::Warning,
        "sold",
    ),
    (
        "dispensed",
        "label-after-sold",
        FindingSeverity::Warning,
        "dispensed",
    ),
];

/// Logs the label of `r` as seen at `at`, and adds the clone findings to `r` (its
/// verdict follows). Labels whose signature failed are logged, never judged further.
pub fn sight(ledger: &Ledger, at: &Sighting<'_>, r: &mut LabelReport) -> Result<()> {
    let (Some(gtin), Some(lot), Some(serial)) = (&r.gtin, &r.lot, &r.serial) else {
        return Ok(()); // not a label at all
    };
    let signed = !r.findings.iter().any(|f| {
        matches!(
            f.code.as_str(),
            "label-signature" | "label-unknown-key" | "label-unsigned" | "label-query"
        )
    });
    let now = at.time.unix_millis();
    let mut f = Checks::new("label");
    f.out = std::mem::take(&mut r.findings);
    if signed {
        // Another place, within the window.
        let near: Option<(i64, String)> = ledger
            .sql()
            .query_one(
                "SELECT time_ms, place FROM label_sightings
                 WHERE gtin = ?1 AND serial = ?2 AND place <> ?3 AND abs(time_ms - ?4) < ?5
                 ORDER BY abs(time_ms - ?4) LIMIT 1",
                sql_params![gtin, serial, at.place, now, CLONE_WINDOW_MS],
            )?
            .map(|x| Ok::<_, crate::Error>((x.int(0)?, x.text(1)?)))
            .transpose()?;
        if let Some((ms, place)) = near {
            let apart = (now - ms).abs();
            let apart = if apart < 3_600_000 {
                format!("{} min", apart / 60_000)
            } else {
                format!("{:.1} h", apart as f64 / 3_600_000.0)
            };
            let when = if ms <= now { "before" } else { "after" };
            f.error(
                "label-clone",
                "/21",
                Some(serial.as_str()),
                format!("serial {serial} was also scanned at {place:?} on {}, {apart} {when} this scan at {:?}: two labels carry it", text(ms), at.place),
                "treat the item as a probable copy: one of the two labels was copied; hold the goods and compare both with the issuer",
            );
        }
        // The ledger says the item left the chain.
        let id = crate::trace::start_id("serial", &format!("{gtin}/{serial}"))?;
        let ended: Vec<(String, i64)> = ledger
            .sql()
            .query(
                "SELECT e.disposition, e.time_ms FROM epcis_objects o JOIN epcis_events e ON e.id = o.event
                 WHERE o.id = ?1 AND e.disposition IS NOT NULL AND e.time_ms < ?2",
                sql_params![id, now],
            )?
            .iter()
            .map(|x| Ok((x.text(0)?, x.int(1)?)))
            .collect::<Result<_>>()?;
        // Stored as CBV 2.0 Web URIs (`https://ref.gs1.org/cbv/Disp-sold`) or, from
        // older documents, URNs.
        let bare = |d: &str| -> String {
            let v = &crate::epcis::DISPOSITION;
            d.strip_prefix(v.web_prefix)
                .or_else(|| d.strip_prefix(v.urn_prefix))
                .unwrap_or(d)
                .to_string()
        };
        // The gravest end recorded (destroyed or stolen over sold), the latest of those.
        let end = ended
            .iter()
            .filter_map(|(d, ms)| {
                AFTER
                    .iter()
                    .find(|a| a.0 == bare(d))
                    .map(|a| (a.1, a.2, a.3, *ms))
            })
            .max_by_key(|(_, severity, _, ms)| (*severity == FindingSeverity::Error, *ms));
        if let Some((code, severity, word, ms)) = end {
            let action = if severity == FindingSeverity::Error {
                "treat the item as a probable copy: its label was copied from an item that left the chain"
            } else {
                "a customer scanning what they bought is expected; in the supply chain the item is a probable copy"
            };
            f.add(
                code,
                severity,
                "/21",
                Some(serial.as_str()),
                format!("serial {serial} was recorded as {word} on {}", text(ms)),
                action,
            );
        }
    }
    (r.verdict, r.findings) = f.verdict();
    let verdict = match r.verdict {
        BundleVerdict::Verified => "verified",
        BundleVerdict::VerifiedWithWarnings => "verified-with-warnings",
        BundleVerdict::Incomplete => "incomplete",
        BundleVerdict::Failed => "failed",
    };
    let key_id = r.uri.split(['?', '&']).find_map(|p| p.strip_prefix("k="));
    ledger.sql().execute(
        "INSERT INTO label_sightings (time_ms, gtin, lot, serial, key_id, place, source, verdict) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        sql_params![now, gtin, lot, serial, key_id, at.place, at.source, verdict],
    )?;
    Ok(())
}

fn text(ms: i64) -> String {
    Timestamp::from_unix_millis(ms)
        .map(|t| t.to_rfc3339())
        .unwrap_or_else(|_| ms.to_string())
}

/// One sighting, for the scan history.
#[derive(Clone, Debug, serde::Serialize, ts_rs::TS)]
#[ts(export_to = "bindings.ts")]
pub struct SightingRow {
    pub time: String,
    pub gtin: String,
    pub lot: String,
    pub serial: String,
    pub place: String,
    pub source: String,
    pub verdict: String,
}

/// The sightings of one serial (or all, newest first, at most `limit`).
pub fn history(
    ledger: &Ledger,
    serial: Option<(&str, &str)>,
    limit: u32,
) -> Result<Vec<SightingRow>> {
    let (g, s) = serial.unwrap_or(("", ""));
    ledger
        .sql()
        .query(
            "SELECT time_ms, gtin, lot, serial, place, source, verdict FROM label_sightings
             WHERE (?1 = '' OR (gtin = ?1 AND serial = ?2)) ORDER BY time_ms DESC, id DESC LIMIT ?3",
            sql_params![g, s, limit],
        )?
        .iter()
        .map(|x| {
            Ok(SightingRow {
                time: text(x.int(0)?),
                gtin: x.text(1)?,
                lot: x.text(2)?,
                serial: x.text(3)?,
                place: x.text(4)?,
                source: x.text(5)?,
                verdict: x.text(6)?,
            })
        })
        .collect()
}
