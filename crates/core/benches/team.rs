//! A team at work on one PostgreSQL ledger (issue 16), a bench command:
//! `cargo bench -p tradeseal-core --bench team [-- SECONDS]` (default 60). Four
//! officers, each on a connection of their own (as four desks are), record single
//! EPCIS events at once through the domain (event checked, hash id, entry, query-table
//! rows, one signed commit each), as the app's "record an event" does. Then: one linear
//! history, every entry attributed to its officer, the ledger verifies; rate and
//! p50/p99 latency of a recorded event.

use ed25519_dalek::SigningKey;
use std::time::{Duration, Instant};
use tradeseal_core::epcis;
use tradeseal_core::identity::{IdentityCard, Signer};
use tradeseal_core::ledger::Ledger;
use tradeseal_core::Timestamp;
use tradeseal_log::commit::OfficerCard;
use tradeseal_log::db::{Conn, Sql};
use tradeseal_log::signature::PublicKey;
use tradeseal_log::store::Role;

fn main() {
    let secs: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(60);
    let url = tradeseal_log::throwaway::database();
    let org_key = SigningKey::from_bytes(&[0x11; 32]);
    let org_pk = PublicKey::of(&org_key);
    let origin = tradeseal_core::identity::origin_for(&org_pk);
    let card = IdentityCard::new("Andes Coffee Export", None, &org_pk, &origin);
    let team = std::path::Path::new("team");
    let mut l = Ledger::create_v2(Conn::postgres(&url).unwrap(), &org_pk, team).unwrap();
    let now = Timestamp::from_unix_millis(1_795_000_000_000).unwrap();
    let keys: Vec<SigningKey> = (0..4)
        .map(|i| SigningKey::from_bytes(&[0x40 + i; 32]))
        .collect();
    for (i, k) in keys.iter().enumerate() {
        let c = OfficerCard::new(
            &origin,
            &card.org,
            &format!("Officer {i}"),
            &PublicKey::of(k),
        );
        l.v2()
            .unwrap()
            .add_officer(&org_key, now, &c, Role::Officer)
            .unwrap();
    }
    let until = Instant::now() + Duration::from_secs(secs);
    let per: Vec<(Vec<Duration>, u64)> =
        std::thread::scope(|s| {
            let hs: Vec<_> =
                keys.iter()
                    .enumerate()
                    .map(|(i, k)| {
                        let (url, card) = (&url, &card);
                        s.spawn(move || {
                    let signer = Signer { key: k.clone(), card: card.clone() };
                    let mut mine = Ledger::open_v2(Conn::postgres(url).unwrap(), team).unwrap();
                    let ns = epcis::Namespaces::default();
                    let (mut lat, mut n) = (Vec::new(), 0u64);
                    while Instant::now() < until {
                        let ev = serde_json::json!({
                            "type": "ObjectEvent",
                            "eventTime": "2026-01-15T07:30:00.000Z",
                            "eventTimeZoneOffset": "+00:00",
                            "action": "OBSERVE",
                            "bizStep": "receiving",
                            "readPoint": {"id": "urn:epc:id:sgln:7701234.00001.0"},
                            "epcList": [format!("urn:epc:id:sgtin:7701234.000001.{i}{n:09}")]
                        });
                        let t = Instant::now();
                        let sum = epcis::validate(&ev, &ns).unwrap();
                        let entry = epcis::event_entry(ev, sum, &ns).unwrap();
                        let done = mine.append(&signer, now, &[entry]).unwrap();
                        assert_eq!(done.len(), 1);
                        lat.push(t.elapsed());
                        n += 1;
                    }
                    (lat, n)
                })
                    })
                    .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
    let mut lat: Vec<Duration> = per.iter().flat_map(|(l, _)| l.clone()).collect();
    lat.sort();
    let p = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)].as_secs_f64() * 1e3;
    println!(
        "postgres: four officers recording single EPCIS events for {secs} s: {} events ({:.0}/s), p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        lat.len(),
        lat.len() as f64 / secs as f64,
        p(0.5),
        p(0.99),
        lat.last().map_or(0.0, |d| d.as_secs_f64() * 1e3)
    );
    // One history: every entry attributed to the officer who recorded it.
    let db = l.sql();
    for (i, k) in keys.iter().enumerate() {
        let n = db
            .query_one(
                "SELECT count(*) FROM entries WHERE author = ?1 AND kind = 'epcis.event'",
                tradeseal_log::sql_params![PublicKey::of(k).to_bytes().to_vec()],
            )
            .unwrap()
            .unwrap()
            .int(0)
            .unwrap() as u64;
        assert_eq!(n, per[i].1, "officer {i}'s events are theirs");
    }
    let rows = db
        .query_one("SELECT count(*) FROM epcis_events", &[])
        .unwrap()
        .unwrap()
        .int(0)
        .unwrap();
    assert_eq!(rows as usize, lat.len(), "every event in the query tables");
    let t = Instant::now();
    let r = l.v2().unwrap().verify().unwrap();
    assert!(r.intact(), "{:?}", r.findings);
    println!(
        "postgres: one history of {} entries in {} commits, each attributed to its officer; verified intact in {:.2} s",
        r.size,
        r.commits,
        t.elapsed().as_secs_f64()
    );
}
