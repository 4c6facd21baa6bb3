//! Clone detection (docs/spec/qr.md §6): every label scanned is logged; a serial seen
//! at two places within a day, or after the ledger recorded it sold or destroyed, is
//! flagged; the log only grows.

use crate::epcis::import_bytes;
use crate::label::{check, codes, request};
use crate::{new_home, t};
use serde_json::json;
use tradeseal_core::bundle::BundleVerdict;
use tradeseal_core::label::sightings::{self, Sighting, CLONE_WINDOW_MS};
use tradeseal_core::label::{issue, Serials};
use tradeseal_core::ledger::Ledger;

const HOUR: i64 = 3600 * 1000;

fn seen(l: &Ledger, uri: &str, place: &str, ms: i64) -> (BundleVerdict, Vec<String>) {
    let mut r = check(uri, l, "Acme Coffee Importers");
    let at = Sighting {
        place,
        source: "photo.jpg",
        time: t(ms),
    };
    sightings::sight(l, &at, &mut r).unwrap();
    (
        r.verdict,
        codes(&r).into_iter().map(str::to_string).collect(),
    )
}

/// Labels with serials 000001 to `to`.
fn serials_to(l: &mut Ledger, s: &tradeseal_core::identity::Signer, to: &str) -> issue::Batch {
    let serials = Serials::Range {
        from: "000001".into(),
        to: to.into(),
    };
    issue::issue(l, s, t(10), &request(serials)).unwrap()
}

/// An EPCIS document with one ObjectEvent observing `serial` with `disposition`.
fn observed(serial: &str, disposition: &str, at_ms: i64) -> Vec<u8> {
    let time = t(at_ms).to_rfc3339();
    serde_json::to_vec(&json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": time,
        "epcisBody": {"eventList": [{
            "type": "ObjectEvent", "eventTime": time, "eventTimeZoneOffset": "+00:00",
            "action": "OBSERVE", "bizStep": if disposition == "retail_sold" { "retail_selling" } else { "destroying" },
            "disposition": disposition,
            "epcList": [format!("https://id.gs1.org/01/07701234000011/21/{serial}")],
            "readPoint": {"id": "urn:epc:id:sgln:4012345.00000.0"}
        }]}
    }))
    .unwrap()
}

#[test]
fn a_serial_seen_at_two_places_within_a_day_is_a_probable_copy() {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    let b = serials_to(&mut l, &s, "000003");
    let uri = &b.labels[0].uri;
    let base = 10 * HOUR;
    assert_eq!(
        seen(&l, uri, "Hamburg warehouse", base),
        (BundleVerdict::Verified, vec![])
    );
    // The same place again: a second look, not a copy.
    assert_eq!(
        seen(&l, uri, "Hamburg warehouse", base + HOUR).1,
        Vec::<String>::new()
    );
    // Another place two hours later: two labels carry the serial.
    let (v, c) = seen(&l, uri, "Rotterdam shop", base + 2 * HOUR);
    assert_eq!(
        (v, c),
        (BundleVerdict::Failed, vec!["label-clone".to_string()])
    );
    // The item moved on: another place after the window is the chain doing its work.
    assert_eq!(
        seen(&l, uri, "Lyon shop", base + CLONE_WINDOW_MS + 2 * HOUR).1,
        Vec::<String>::new()
    );
    // Another serial is unaffected.
    assert_eq!(
        seen(&l, &b.labels[1].uri, "Rotterdam shop", base + 2 * HOUR).1,
        Vec::<String>::new()
    );
    // A forged label is logged but not judged for copies.
    let forged = uri.replace("/21/000001", "/21/000002");
    let (v, c) = seen(&l, &forged, "Rotterdam shop", base + 3 * HOUR);
    assert_eq!(
        (v, c),
        (BundleVerdict::Failed, vec!["label-signature".to_string()])
    );

    let all = sightings::history(&l, None, 100).unwrap();
    assert_eq!(all.len(), 6);
    let one = sightings::history(&l, Some(("07701234000011", "000001")), 100).unwrap();
    assert_eq!(
        one.iter().map(|r| r.place.as_str()).collect::<Vec<_>>(),
        [
            "Lyon shop",
            "Rotterdam shop",
            "Hamburg warehouse",
            "Hamburg warehouse"
        ]
    );
    assert_eq!(one[1].verdict, "failed");
    // The log only grows.
    use tradeseal_core::db::Sql;
    assert!(l.sql().execute("DELETE FROM label_sightings", &[]).is_err());
    assert!(l
        .sql()
        .execute("UPDATE label_sightings SET place = 'x'", &[])
        .is_err());
    assert_eq!(sightings::history(&l, None, 100).unwrap().len(), 6);
}

#[test]
fn a_label_scanned_after_its_item_was_sold_or_destroyed_is_flagged() {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    let b = serials_to(&mut l, &s, "000002");
    import_bytes(&mut l, &s, &observed("000001", "retail_sold", 20 * HOUR)).unwrap();
    import_bytes(&mut l, &s, &observed("000002", "destroyed", 20 * HOUR)).unwrap();
    // Before the sale nothing is wrong.
    assert_eq!(
        seen(&l, &b.labels[0].uri, "Shop", 19 * HOUR).1,
        Vec::<String>::new()
    );
    let (v, c) = seen(&l, &b.labels[0].uri, "Shop", 21 * HOUR);
    assert_eq!(
        (v, c),
        (
            BundleVerdict::VerifiedWithWarnings,
            vec!["label-after-sold".to_string()]
        )
    );
    // Sold, then destroyed: the graver end counts.
    import_bytes(&mut l, &s, &observed("000001", "destroyed", 22 * HOUR)).unwrap();
    let (v, c) = seen(&l, &b.labels[0].uri, "Shop", 23 * HOUR);
    assert_eq!(
        (v, c),
        (
            BundleVerdict::Failed,
            vec!["label-after-destroyed".to_string()]
        )
    );
    let (v, c) = seen(&l, &b.labels[1].uri, "Warehouse", 21 * HOUR);
    assert_eq!(
        (v, c),
        (
            BundleVerdict::Failed,
            vec!["label-after-destroyed".to_string()]
        )
    );
}
