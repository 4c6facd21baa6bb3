//! The domain on a version 2 ledger, on SQLite and on PostgreSQL alike: EPCIS import
//! (all or nothing, each event once), trace, timeline, master data, dossier drafts with
//! attachments in chunks, screening lists, the scan log kept, commit notes verified.

use crate::epcis::{coffee_chain, import_bytes};
use crate::{new_home, t};
use tradeseal_core::db::{Conn, Engine, Sql};
use tradeseal_core::dossier::{model::Dossier, store};
use tradeseal_core::ledger::{Ledger, NewEntry};
use tradeseal_core::trace::{self, Direction};

const R_031: &str = "https://id.gs1.org/01/04012345123456/10/R-2026-031";

/// A fresh v2 ledger on each engine, with the folder that holds the SQLite one.
fn ledgers(org: &tradeseal_core::signature::PublicKey) -> Vec<(Engine, Ledger, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ledger.sqlite");
    let sqlite = Ledger::create_v2(Conn::sqlite(&file).unwrap(), org, &file).unwrap();
    let url = tradeseal_log::throwaway::database();
    let pg = Ledger::create_v2(
        Conn::postgres(&url).unwrap(),
        org,
        std::path::Path::new("team"),
    )
    .unwrap();
    vec![
        (Engine::Sqlite, sqlite, dir),
        (Engine::Postgres, pg, tempfile::tempdir().unwrap()),
    ]
}

#[test]
fn an_event_named_twice_or_recorded_before_is_recorded_once_on_both_engines() {
    if crate::runs_once("makes its own ledgers on both engines") {
        return;
    }
    let (_d, _home, s) = new_home();
    for (engine, mut l, _dir) in ledgers(&s.public_key()) {
        let e = format!("{engine:?}");
        let r = import_bytes(&mut l, &s, &coffee_chain()).unwrap();
        // A new event twice, with a recorded one between: recorded once, the repeat and
        // the recorded one known by their rows.
        let mut doc: serde_json::Value = serde_json::from_slice(&coffee_chain()).unwrap();
        let list = doc["epcisBody"]["eventList"].as_array_mut().unwrap();
        let mut fresh = list[0].clone();
        fresh["eventTime"] = "2026-05-01T00:00:00Z".into();
        let mut repeat = fresh.clone();
        repeat["recordTime"] = "2026-05-02T00:00:00Z".into();
        *list = vec![fresh, list[4].clone(), repeat];
        let twice = import_bytes(&mut l, &s, &serde_json::to_vec(&doc).unwrap()).unwrap();
        assert_eq!((twice.events, twice.new, twice.known), (3, 1, 2), "{e}");
        assert_eq!(twice.outcomes[0].entry, Some(10), "{e}");
        assert!(twice.outcomes[0].event > 0, "{e}");
        assert_eq!(twice.outcomes[1].event, r.outcomes[4].event, "{e}");
        assert_eq!(twice.outcomes[1].entry, None, "{e}");
        assert_eq!(twice.outcomes[2].event, twice.outcomes[0].event, "{e}");
        assert_eq!(twice.outcomes[2].entry, None, "{e}");
        assert_eq!(l.size().unwrap(), 11, "{e}");
        let report = l.v2().unwrap().verify().unwrap();
        assert!(report.intact(), "{e}: {:?}", report.findings);
    }
}

#[test]
fn the_domain_runs_on_a_version_2_ledger_on_both_engines() {
    if crate::runs_once("makes its own ledgers on both engines") {
        return;
    }
    let (_d, _home, s) = new_home();
    for (engine, mut l, dir) in ledgers(&s.public_key()) {
        let e = format!("{engine:?}");
        assert_eq!(l.format(), 2);
        // EPCIS: every event once, a second import finds them all known.
        let r = import_bytes(&mut l, &s, &coffee_chain()).unwrap();
        assert_eq!((r.events, r.new, r.known), (10, 10, 0), "{e}");
        let again = import_bytes(&mut l, &s, &coffee_chain()).unwrap();
        assert_eq!((again.new, again.known), (0, 10), "{e}");
        assert_eq!(again.outcomes[3].event, r.outcomes[3].event, "{e}");
        assert_eq!(l.size().unwrap(), 10, "{e}");
        // A document refused half-way records nothing.
        let mut broken = coffee_chain();
        broken.truncate(broken.len() / 2);
        assert!(import_bytes(&mut l, &s, &broken).is_err(), "{e}");
        assert_eq!(l.size().unwrap(), 10, "{e}");
        // The commit note is the checkpoint: size 10, signed by the organisation key.
        let (cp, note) = l.checkpoint().unwrap();
        assert_eq!(cp.size, 10, "{e}");
        assert!(note.contains("tradeseal-commit/v2 0 "), "{e}: {note}");
        // Trace and timeline read the query tables written in the commit.
        let back = trace::trace(&l, R_031, Direction::Back).unwrap();
        assert!(back.nodes.iter().filter(|n| n.origin).count() >= 2, "{e}");
        let events = tradeseal_core::timeline::timeline(&l, &Default::default(), 100).unwrap();
        assert_eq!(events.len(), 10, "{e}");
        let md = tradeseal_core::masterdata::list(&l, None, None, 100).unwrap();
        // A note, appended as its own commit.
        l.append(
            &s,
            t(5),
            &[NewEntry::note("received in good order").unwrap()],
        )
        .unwrap();
        assert_eq!(l.size().unwrap(), 11, "{e}");
        assert_eq!(
            tradeseal_core::masterdata::list(&l, None, None, 100)
                .unwrap()
                .len(),
            md.len(),
            "{e}"
        );
        // A dossier draft with a 3 MB attachment (three chunks), read back whole.
        let d = Dossier::new(&store::new_id([7; 8]));
        store::create(&l, &d, t(6)).unwrap();
        let big: Vec<u8> = (0..3_000_001u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let p = dir.path().join("scan.pdf");
        std::fs::write(&p, &big).unwrap();
        let a = store::attach_document(&l, &d.id, None, &p, Default::default(), t(7)).unwrap();
        assert_eq!(
            store::attachment(&l, &a.sha256).unwrap().unwrap(),
            big,
            "{e}"
        );
        let chunks = l
            .sql()
            .query_one("SELECT count(*) FROM attachment_chunks", &[])
            .unwrap()
            .unwrap()
            .int(0)
            .unwrap();
        assert_eq!(chunks, 3, "{e}");
        // Saved against an old revision: refused.
        let old = store::get(&l, &d.id, None).unwrap();
        assert_eq!(old.dossier.documents.len(), 1, "{e}");
        // Screening lists, replaced whole.
        let n = tradeseal_core::dossier::screening::import_list(&l, "UFLPA", "name\nAcme Cotton\n")
            .unwrap();
        assert_eq!(n, 1, "{e}");
        // The scan log is only added to, on either engine.
        l.sql()
            .execute(
                "INSERT INTO label_sightings (time_ms, gtin, lot, serial, place, source, verdict) VALUES (1, 'g', 'l', 's', 'p', 'f', 'v')",
                &[],
            )
            .unwrap();
        assert!(
            l.sql().execute("DELETE FROM label_sightings", &[]).is_err(),
            "{e}"
        );
        // A sealed dossier stays as sealed (the trigger), on either engine.
        assert!(
            l.sql()
                .execute("UPDATE dossiers SET status = 'superseded'", &[])
                .is_err(),
            "{e}: a draft does not jump to superseded"
        );
        // Labels, signed with the organisation's key; each verifies against the batch
        // entry of this ledger.
        let batch = tradeseal_core::label::issue::issue(
            &mut l,
            &s,
            t(8),
            &tradeseal_core::label::Request {
                gtin: "07701234000011",
                lot: "L2026-117",
                serials: tradeseal_core::label::Serials::Next(2),
                resolver: "https://id.acme-coffee.example",
                product: None,
            },
        )
        .unwrap();
        let keys = tradeseal_core::label::verify::Keys::of(&l, "Acme").unwrap();
        let r = tradeseal_core::label::verify::verify(&batch.labels[1].uri, Some(&l), Some(&keys));
        assert_eq!(
            r.verdict,
            tradeseal_core::bundle::BundleVerdict::Verified,
            "{e}: {:?}",
            r.findings
        );
        let again = tradeseal_core::label::issue::reprint(&l, &s, batch.seq).unwrap();
        assert_eq!(again.labels[1].uri, batch.labels[1].uri, "{e}");
        // A certificate, issued with the organisation's key, proven by its commit note.
        let c = tradeseal_core::certificate::issue::issue(
            &mut l,
            &s,
            t(8),
            tradeseal_core::certificate::statement::CertificateType::Authenticity,
            &tradeseal_core::certificate::statement::Target::Lot(
                "04012345123456/R-2026-031".into(),
            ),
        )
        .unwrap();
        assert_eq!(c.claims.version(), 2, "{e}");
        let r = tradeseal_core::certificate::verify(&c.text, Some(&l));
        assert_eq!(
            r.verdict,
            tradeseal_core::bundle::BundleVerdict::Verified,
            "{e}: {:?}",
            r.findings
        );
        // The whole ledger verifies: commits tile it, notes sign its roots.
        let report = l.v2().unwrap().verify().unwrap();
        assert!(report.intact(), "{e}: {:?}", report.findings);
        assert_eq!((report.size, report.commits), (13, 4), "{e}");
    }
}

#[test]
fn a_version_2_ledger_reopens_with_its_domain_tables_and_refuses_a_v1_file() {
    if crate::version_1_only("a version 1 file refused where a version 2 one is wanted") {
        return;
    }
    let (_d, home, s) = new_home();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ledger.sqlite");
    {
        let mut l =
            Ledger::create_v2(Conn::sqlite(&file).unwrap(), &s.public_key(), &file).unwrap();
        import_bytes(&mut l, &s, &coffee_chain()).unwrap();
    }
    let l = Ledger::open_v2(Conn::sqlite(&file).unwrap(), &file).unwrap();
    assert_eq!((l.format(), l.size().unwrap()), (2, 10));
    assert_eq!(l.origin(), home.card().origin);
    // A v1 home's ledger is not opened as v2: the error says how to upgrade.
    let v1 = home.path().join("ledger.sqlite");
    drop(home.ledger().unwrap());
    let e = Ledger::open_v2(Conn::sqlite(&v1).unwrap(), &v1)
        .err()
        .expect("refused");
    assert!(e.to_string().contains("tradeseal ledger upgrade"), "{e}");
}

/// The domain's tables, each with its columns in order, as SQLite says.
fn sqlite_tables(c: &rusqlite::Connection) -> Vec<(String, Vec<(String, String)>)> {
    let ledger_tables = [
        "meta",
        "entries",
        "merkle_nodes",
        "checkpoint",
        "commits",
        "officers",
    ];
    let names: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .filter(|n: &String| !ledger_tables.contains(&n.as_str()))
        .collect();
    names
        .into_iter()
        .map(|t| {
            let cols = c
                .prepare(&format!("PRAGMA table_info({t})"))
                .unwrap()
                .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            (t, cols)
        })
        .collect()
}

fn sqlite_objects(c: &rusqlite::Connection, kind: &str) -> Vec<String> {
    c.prepare("SELECT name FROM sqlite_master WHERE type = ?1 AND name NOT LIKE 'sqlite_%' AND name NOT IN ('entries_kind_seq', 'entries_rotations') ORDER BY name")
        .unwrap()
        .query_map([kind], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn the_domain_schemas_agree_with_the_v1_migrations_and_with_each_other() {
    if crate::runs_once("makes its own ledgers on both engines") {
        return;
    }
    let (_d, home, s) = new_home();
    drop(home.ledger().unwrap());
    let v1 = rusqlite::Connection::open(home.path().join("ledger.sqlite")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ledger.sqlite");
    drop(Ledger::create_v2(Conn::sqlite(&file).unwrap(), &s.public_key(), &file).unwrap());
    let v2 = rusqlite::Connection::open(&file).unwrap();
    // SQLite: a v1 home migrated to schema 7 and a new v2 ledger have the same domain.
    let tables = sqlite_tables(&v2);
    assert_eq!(sqlite_tables(&v1), tables);
    for kind in ["index", "trigger"] {
        assert_eq!(
            sqlite_objects(&v1, kind),
            sqlite_objects(&v2, kind),
            "{kind}"
        );
    }
    // PostgreSQL: the same tables and columns, in PostgreSQL's types.
    let url = tradeseal_log::throwaway::database();
    let pg = Ledger::create_v2(
        Conn::postgres(&url).unwrap(),
        &s.public_key(),
        std::path::Path::new("team"),
    )
    .unwrap();
    for (t, cols) in &tables {
        let got: Vec<(String, String)> = pg
            .sql()
            .query(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?1 ORDER BY ordinal_position",
                tradeseal_log::sql_params![t.as_str()],
            )
            .unwrap()
            .iter()
            .map(|r| (r.text(0).unwrap(), r.text(1).unwrap()))
            .collect();
        let want: Vec<(String, String)> = cols
            .iter()
            .map(|(c, ty)| {
                let pg_ty = match ty.as_str() {
                    "INTEGER" => "bigint",
                    "TEXT" => "text",
                    "BLOB" => "bytea",
                    "REAL" => "double precision",
                    other => panic!("{t}.{c}: type {other}"),
                };
                (c.clone(), pg_ty.to_string())
            })
            .collect();
        assert_eq!(got, want, "{t}");
    }
    let pg_tables = pg
        .sql()
        .query(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name NOT IN ('meta', 'entries', 'merkle_nodes', 'commits', 'officers')",
            &[],
        )
        .unwrap()[0]
        .int(0)
        .unwrap();
    assert_eq!(pg_tables as usize, tables.len());
    let pg_triggers = pg
        .sql()
        .query(
            "SELECT DISTINCT trigger_name FROM information_schema.triggers ORDER BY trigger_name",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.text(0).unwrap())
        .collect::<Vec<_>>();
    // SQLite needs two triggers for "only added to"; PostgreSQL one for both.
    let mut sqlite_triggers = sqlite_objects(&v2, "trigger");
    sqlite_triggers.retain(|t| t != "label_sightings_not_deleted");
    assert_eq!(pg_triggers, sqlite_triggers);
}

/// An EPCIS document of `n` distinct commissioning events.
fn many_events(n: usize) -> Vec<u8> {
    let events: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "type": "ObjectEvent",
                "eventTime": format!("2026-01-15T07:{:02}:{:02}.000Z", (i / 60) % 60, i % 60),
                "eventTimeZoneOffset": "+00:00",
                "action": "ADD",
                "bizStep": "commissioning",
                "disposition": "active",
                "readPoint": {"id": "urn:epc:id:sgln:7701234.00001.0"},
                "epcList": [format!("urn:epc:id:sgtin:7701234.000001.{i}")]
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-03-20T08:00:00.000Z",
        "epcisBody": {"eventList": events}
    }))
    .unwrap()
}

#[test]
fn postgres_stopped_mid_import_records_nothing_and_the_retry_succeeds() {
    if crate::runs_once("makes its own ledgers on both engines") {
        return;
    }
    use tradeseal_core::epcis::{self, ImportPhase};
    use tradeseal_core::ErrorCode;
    let pg = tradeseal_log::throwaway::Private::new();
    let (_d, _home, s) = new_home();
    let team = std::path::Path::new("team");
    let mut l = Ledger::create_v2(Conn::postgres(&pg.url).unwrap(), &s.public_key(), team).unwrap();
    let doc = many_events(3000);
    let lists = tradeseal_core::codelists::CodeLists::builtin();
    // The server goes away once the first chunk of the import is written.
    let mut stopped = false;
    let e = epcis::import(&mut l, &s, t(1), lists, || Ok(&doc[..]), false, &mut |p| {
        if matches!(p.phase, ImportPhase::Recording) && p.done > 0 && !stopped {
            pg.stop();
            stopped = true;
        }
    })
    .unwrap_err();
    assert!(stopped, "the import got to its second chunk");
    assert_eq!(e.code(), ErrorCode::Unreachable, "{e}");
    drop(l);
    pg.start();
    // Nothing of it: no entry, no query-table row; the retry records every event.
    let mut l = Ledger::open_v2(Conn::postgres(&pg.url).unwrap(), team).unwrap();
    assert_eq!(l.size().unwrap(), 0);
    let rows = |l: &Ledger| {
        l.sql()
            .query_one("SELECT count(*) FROM epcis_events", &[])
            .unwrap()
            .unwrap()
            .int(0)
            .unwrap()
    };
    assert_eq!(rows(&l), 0);
    let r = epcis::import(&mut l, &s, t(2), lists, || Ok(&doc[..]), false, &mut |_| {}).unwrap();
    assert_eq!(r.new, 3000);
    assert_eq!(rows(&l), 3000);
    let report = l.v2().unwrap().verify().unwrap();
    assert!(report.intact(), "{:?}", report.findings);
    assert_eq!((report.size, report.commits), (3000, 1));
}

/// Rewrites the records of a bundle with `f` (each record's JSON, by line) and makes
/// its end record right again: what a forger who knows the format would do.
fn reforge(bundle: &[u8], f: impl Fn(usize, &mut serde_json::Value)) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let text = std::str::from_utf8(bundle).unwrap();
    let mut out = String::new();
    let mut n = 0;
    for (i, line) in text.lines().enumerate() {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["type"] == "end" {
            break;
        }
        f(i, &mut v);
        if v.is_null() {
            continue; // left out
        }
        out.push_str(&tradeseal_core::canonical::value_to_canonical(&v).unwrap());
        out.push('\n');
        n += 1;
    }
    let end = serde_json::json!({"type": "end", "records": n, "sha256": hex::encode(Sha256::digest(out.as_bytes()))});
    out.push_str(&tradeseal_core::canonical::value_to_canonical(&end).unwrap());
    out.push('\n');
    out.into_bytes()
}

fn codes(r: &tradeseal_core::bundle::BundleReport) -> Vec<String> {
    let mut c: Vec<String> = r.findings.iter().map(|f| f.code.clone()).collect();
    c.sort();
    c.dedup();
    c
}

#[test]
fn a_version_2_bundle_proves_a_chain_by_commit_notes_and_one_multiproof() {
    if crate::runs_once("makes its own ledgers on both engines") {
        return;
    }
    use tradeseal_core::bundle::{self, BundleVerdict};
    let (_d, home, org) = new_home();
    let (mut exported, mut receivers) = (Vec::new(), Vec::new());
    for (engine, mut l, _dir) in ledgers(&org.public_key()) {
        let e = format!("{engine:?}");
        if engine == Engine::Postgres {
            // The same organisation key, another history (checked at the end).
            l.append(&org, t(0), &[NewEntry::note("another history").unwrap()])
                .unwrap();
        }
        // An officer records part of the chain, the organisation the rest.
        let ana = enrol_ana(&mut l, home.card(), &org, t(1));
        let doc: serde_json::Value = serde_json::from_slice(&coffee_chain()).unwrap();
        let mut first = doc.clone();
        let mut rest = doc.clone();
        let all = doc["epcisBody"]["eventList"].as_array().unwrap().clone();
        first["epcisBody"]["eventList"] = serde_json::Value::Array(all[..4].to_vec());
        rest["epcisBody"]["eventList"] = serde_json::Value::Array(all[4..].to_vec());
        import_bytes(&mut l, &ana, &serde_json::to_vec(&first).unwrap()).unwrap();
        import_bytes(&mut l, &org, &serde_json::to_vec(&rest).unwrap()).unwrap();
        l.append(&org, t(9), &[NewEntry::note("unrelated").unwrap()])
            .unwrap();

        let mut bytes = Vec::new();
        let n = bundle::export(&l, home.card(), "lot", R_031, &mut bytes).unwrap();
        assert!(n >= 5, "{e}: {n}");
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with("{\"exporter\":"), "{e}");
        assert!(text.contains("\"format\":\"tradeseal-bundle/v2\""), "{e}");
        assert!(
            !text.contains("\"signature\""),
            "{e}: no per-entry signature in v2"
        );
        assert!(text.contains("\"type\":\"proof\""), "{e}");
        // Verified against its own ledger: the organisation's own chain.
        let r = bundle::verify(&bytes[..], Some(&l), &mut |_| true).unwrap();
        assert_eq!(r.verdict, BundleVerdict::Verified, "{e}: {:?}", r.findings);
        assert_eq!(r.entries, n, "{e}");
        assert!(r.events >= 4, "{e}");
        // By someone who never confirmed the fingerprint: verified, with a warning.
        let r = bundle::verify(&bytes[..], None, &mut |_| true).unwrap();
        assert_eq!(
            r.verdict,
            BundleVerdict::VerifiedWithWarnings,
            "{e}: {:?}",
            r.findings
        );
        assert_eq!(codes(&r), ["signer-unknown"], "{e}");

        let entry_line =
            |v: &serde_json::Value, kind: &str| v["type"] == "entry" && v["entry_kind"] == kind;
        // A quantity changed in an event (the event's own hash id no longer matches,
        // and the proofs fail): failed.
        let forged = reforge(&bytes, |_, v| {
            if entry_line(v, "epcis.event") {
                if let Some(q) = v.pointer_mut("/payload/event/quantityList/0/quantity") {
                    *q = serde_json::json!(999999);
                }
            }
        });
        let r = bundle::verify(&forged[..], Some(&l), &mut |_| true).unwrap();
        assert_eq!(r.verdict, BundleVerdict::Failed, "{e}");
        assert!(
            codes(&r).contains(&"inclusion".to_string()),
            "{e}: {:?}",
            codes(&r)
        );
        // Ana's entries made out as the organisation's: the author is not the signer.
        let org_hex = org.public_key().to_hex();
        let ana_hex = ana.public_key().to_hex();
        let forged = reforge(&bytes, |_, v| {
            if v["type"] == "entry" && v["author"] == ana_hex.as_str() {
                v["author"] = serde_json::json!(org_hex);
            }
        });
        let r = bundle::verify(&forged[..], Some(&l), &mut |_| true).unwrap();
        assert_eq!(r.verdict, BundleVerdict::Failed, "{e}");
        assert!(
            codes(&r).contains(&"author-mismatch".to_string()),
            "{e}: {:?}",
            codes(&r)
        );
        // Ana's enrolment withheld: who signed her commit cannot be told.
        let forged = reforge(&bytes, |_, v| {
            if entry_line(v, "officer.add") {
                *v = serde_json::Value::Null;
            }
        });
        let r = bundle::verify(&forged[..], Some(&l), &mut |_| true).unwrap();
        assert_eq!(r.verdict, BundleVerdict::Failed, "{e}");
        let c = codes(&r);
        assert!(
            c.contains(&"officer-set-incomplete".to_string())
                && c.contains(&"unknown-author".to_string()),
            "{e}: {c:?}"
        );
        // A commit note's signature broken.
        let forged = reforge(&bytes, |_, v| {
            if v["type"] == "commit" {
                let note = v["note"].as_str().unwrap().replace("— ", "— X");
                v["note"] = serde_json::json!(note);
            }
        });
        let r = bundle::verify(&forged[..], Some(&l), &mut |_| true).unwrap();
        assert_eq!(r.verdict, BundleVerdict::Failed, "{e}");
        // An entry line written again in another form (a space; its members reordered),
        // the end record made right: flagged, by the batched path and the single one.
        for (from, to) in [
            (",\"seq\":", ",\"seq\": "),
            ("{\"author\":", "{\"type\":\"entry\",\"author\":"),
        ] {
            use sha2::{Digest, Sha256};
            let mut out = String::new();
            let mut n = 0;
            let mut done = false;
            for line in text.lines() {
                if line.starts_with("{\"records\":") || line.contains("\"type\":\"end\"") {
                    break;
                }
                let mut l = line.to_string();
                if !done && l.contains("\"entry_kind\":\"epcis.event\"") {
                    l = l.replacen(from, to, 1);
                    if to.starts_with("{\"type\"") {
                        l = l.replacen(",\"type\":\"entry\"}", "}", 1);
                    }
                    done = true;
                }
                out.push_str(&l);
                out.push('\n');
                n += 1;
            }
            let end = serde_json::json!({"type": "end", "records": n, "sha256": hex::encode(Sha256::digest(out.as_bytes()))});
            out.push_str(&tradeseal_core::canonical::value_to_canonical(&end).unwrap());
            out.push('\n');
            let r = bundle::verify(out.as_bytes(), Some(&l), &mut |_| true).unwrap();
            assert_eq!(r.verdict, BundleVerdict::Failed, "{e}: {to}");
            assert_eq!(codes(&r), ["not-canonical"], "{e}: {to}");
        }
        // A byte changed without fixing the end record: the digest says so.
        let mut cut = bytes.clone();
        let at = cut.len() / 2;
        cut[at] ^= 0x01;
        let r = bundle::verify(&cut[..], Some(&l), &mut |_| true).unwrap();
        assert_eq!(r.verdict, BundleVerdict::Failed, "{e}");
        // Cut short: no end record.
        let r = bundle::verify(&bytes[..bytes.len() / 2], Some(&l), &mut |_| true).unwrap();
        assert_eq!(r.verdict, BundleVerdict::Failed, "{e}");
        // A v2 bundle is about half a v1 line's size per entry: no signature, no path.
        assert!(
            text.lines()
                .filter(|l| l.contains("\"type\":\"entry\""))
                .all(|l| !l.contains("\"proof\"")),
            "{e}"
        );

        // A one-desk partner imports it: the team's entries kept as signed, their events
        // traced beside its own, the import recorded; a second import changes nothing.
        let (rd, receiver, rs) = crate::v2_home_of("Roastery Berlin", None, 0x55);
        let mut rl = receiver.ledger().unwrap();
        let before = rl.size().unwrap();
        let forged_bytes = reforge(&bytes, |_, v| {
            if entry_line(v, "epcis.event") {
                if let Some(q) = v.pointer_mut("/payload/event/quantityList/0/quantity") {
                    *q = serde_json::json!(1);
                }
            }
        });
        let refused = bundle::import(&mut rl, &rs, t(20), || Ok(&forged_bytes[..]), &mut |_| true)
            .err()
            .expect("a forged bundle is refused");
        assert!(
            refused.to_string().contains("failed verification"),
            "{e}: {refused}"
        );
        assert_eq!(rl.size().unwrap(), before, "{e}: nothing recorded");
        let got = bundle::import(&mut rl, &rs, t(20), || Ok(&bytes[..]), &mut |_| true).unwrap();
        assert_eq!((got.new_entries, got.known_entries), (n, 0), "{e}");
        assert!(got.recorded.is_some(), "{e}");
        let back = trace::trace(&rl, R_031, Direction::Back).unwrap();
        assert!(back.nodes.iter().filter(|n| n.origin).count() >= 2, "{e}");
        let again = bundle::import(&mut rl, &rs, t(21), || Ok(&bytes[..]), &mut |_| true).unwrap();
        assert_eq!(
            (again.new_entries, again.known_entries, again.recorded),
            (0, n, None),
            "{e}"
        );
        // Its own export of the lot (its ledger version 2 too) passes the team's
        // entries on, with proofs derived from the ones received.
        let mut out = Vec::new();
        let n2 = bundle::export(&rl, receiver.card(), "lot", R_031, &mut out).unwrap();
        assert!(n2 >= n, "{e}: {n2} < {n}");
        let r = bundle::verify(&out[..], None, &mut |_| true).unwrap();
        assert_ne!(r.verdict, BundleVerdict::Failed, "{e}: {:?}", r.findings);
        exported.push(bytes);
        receivers.push((rd, receiver, rs));
    }
    // The same organisation's ledger with another history (the other engine's ledger has
    // the same key, so the same origin): the first receiver refuses it as two histories.
    let (_rd, receiver, rs) = &receivers[0];
    let mut rl = receiver.ledger().unwrap();
    let size = rl.size().unwrap();
    let e = bundle::import(&mut rl, rs, t(30), || Ok(&exported[1][..]), &mut |_| true).unwrap_err();
    assert!(e.to_string().contains("two histories"), "{e}");
    assert_eq!(rl.size().unwrap(), size);
}

#[test]
fn a_team_passes_a_partners_v2_entries_on_with_derived_proofs() {
    if crate::runs_once("makes its own ledgers on both engines") {
        return;
    }
    use tradeseal_core::bundle::{self, BundleVerdict};
    use tradeseal_core::identity::Signer;
    // The exporter in Colombia (a team ledger on SQLite) and the roaster in Germany (a
    // team ledger on PostgreSQL), each founded by its organisation's key.
    let (_da, home_a, a) = crate::home_of("Andes Coffee Export", None, 0x31);
    let (_db, home_b, b) = crate::home_of("Rösterei Hamburg", None, 0x32);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.sqlite");
    let mut la = Ledger::create_v2(Conn::sqlite(&file).unwrap(), &a.public_key(), &file).unwrap();
    let url = tradeseal_log::throwaway::database();
    let mut lb = Ledger::create_v2(
        Conn::postgres(&url).unwrap(),
        &b.public_key(),
        std::path::Path::new("b"),
    )
    .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&coffee_chain()).unwrap();
    let all = doc["epcisBody"]["eventList"].as_array().unwrap().clone();
    let part = |r: std::ops::Range<usize>| {
        let mut d = doc.clone();
        d["epcisBody"]["eventList"] = serde_json::Value::Array(all[r].to_vec());
        serde_json::to_vec(&d).unwrap()
    };
    import_bytes(&mut la, &a, &part(0..4)).unwrap();
    // A's bundle of the shipment: the two lots, the packing, the shipping.
    let sscc = "https://id.gs1.org/00/077012340000000172";
    let mut ab = Vec::new();
    assert_eq!(
        bundle::export(&la, home_a.card(), "sscc", sscc, &mut ab).unwrap(),
        4
    );
    // B imports it (A is not trusted yet: verified with a warning), then records its own.
    let got = bundle::import(&mut lb, &b, t(30), || Ok(&ab[..]), &mut |_| true).unwrap();
    assert_eq!(got.new_entries, 4);
    import_bytes(&mut lb, &b, &part(4..10)).unwrap();
    let signer_b = Signer {
        key: b.key.clone(),
        card: home_b.card().clone(),
    };
    // B's bundles of its roasted lots carry A's entries as A's commit signed them, with
    // proofs derived from what A sent: the whole group for R-2026-031, part of it for
    // R-2026-032 (lot H-2026-018 is not in it).
    let (_dc, receiver, c) = crate::home_of("Café Lyon", None, 0x33);
    for (lot, from_a) in [
        ("https://id.gs1.org/01/04012345123456/10/R-2026-031", 4),
        ("https://id.gs1.org/01/04012345123456/10/R-2026-032", 3),
    ] {
        let mut bb = Vec::new();
        bundle::export(&lb, &signer_b.card, "lot", lot, &mut bb).unwrap();
        let text = String::from_utf8(bb.clone()).unwrap();
        let groups: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("\"type\":\"ledger\""))
            .collect();
        assert_eq!(groups.len(), 2, "{lot}: {groups:?}");
        let a_entries = text
            .lines()
            .filter(|l| l.contains("\"type\":\"entry\"") && l.contains(&a.public_key().to_hex()))
            .count();
        assert_eq!(a_entries, from_a, "{lot}");
        // A third party verifies both ledgers' proofs, and imports the chain.
        let mut lc = receiver.ledger().unwrap();
        let r = bundle::verify(&bb[..], Some(&lc), &mut |_| true).unwrap();
        assert_eq!(
            r.verdict,
            BundleVerdict::VerifiedWithWarnings,
            "{lot}: {:?}",
            r.findings
        );
        assert!(
            r.findings.iter().all(|f| f.code == "signer-unknown"),
            "{lot}: {:?}",
            r.findings
        );
        assert_eq!(r.authors.len(), 2, "{lot}");
        let imported = bundle::import(&mut lc, &c, t(40), || Ok(&bb[..]), &mut |_| true).unwrap();
        assert!(
            imported.new_entries > 0 || imported.known_entries > 0,
            "{lot}"
        );
        let back = trace::trace(&lc, lot, Direction::Back).unwrap();
        assert!(back.nodes.iter().any(|n| n.origin), "{lot}");
        // A's entry changed on the way through B: caught, A's group fails.
        let forged = reforge(&bb, |_, v| {
            if v["type"] == "entry"
                && v["author"] == a.public_key().to_hex().as_str()
                && v["entry_kind"] == "epcis.event"
            {
                if let Some(q) = v.pointer_mut("/payload/event/quantityList/0/quantity") {
                    *q = serde_json::json!(5000);
                }
            }
        });
        let r = bundle::verify(&forged[..], Some(&lc), &mut |_| true).unwrap();
        assert_eq!(r.verdict, BundleVerdict::Failed, "{lot}");
    }
}

#[test]
fn bad_officer_cards_are_refused_with_the_reason_and_nothing_recorded() {
    if crate::runs_once("makes its own ledgers on both engines") {
        return;
    }
    use tradeseal_core::team;
    let (_d, home, org) = new_home();
    for (engine, mut l, _dir) in ledgers(&org.public_key()) {
        let e = format!("{engine:?}");
        let key = tradeseal_core::signature::PublicKey::of(&ed25519_dalek::SigningKey::from_bytes(
            &[0x44; 32],
        ));
        let good = tradeseal_core::commit::OfficerCard::new(
            l.origin(),
            &home.card().org,
            "Ben Ortiz",
            &key,
        );
        let as_text = |c: &tradeseal_core::commit::OfficerCard| serde_json::to_string(c).unwrap();
        let mut altered = good.clone();
        altered.fingerprint = home.card().fingerprint.clone();
        let mut elsewhere = good.clone();
        elsewhere.origin = "tradeseal/0011223344556677".into();
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        for (card, why) in [
            (
                "{\"format\": \"tradeseal-officer-card/v1\"".to_string(),
                "not an officer card",
            ),
            (deep, "not an officer card"),
            (as_text(&altered), "altered"),
            (as_text(&elsewhere), "not this one"),
        ] {
            let r = team::add_officer(
                &mut l,
                &org,
                t(1),
                &card,
                tradeseal_core::store::Role::Officer,
            );
            let msg = r.err().expect("refused").to_string();
            assert!(msg.contains(why), "{e}: {msg}");
            assert_eq!(l.size().unwrap(), 0, "{e}: nothing recorded");
        }
        team::add_officer(
            &mut l,
            &org,
            t(1),
            &as_text(&good),
            tradeseal_core::store::Role::Officer,
        )
        .unwrap();
        // Enrolled once: the same card again is refused.
        let again = team::add_officer(
            &mut l,
            &org,
            t(2),
            &as_text(&good),
            tradeseal_core::store::Role::Admin,
        );
        assert!(
            again
                .err()
                .expect("refused")
                .to_string()
                .contains("enrolled already"),
            "{e}"
        );
        assert_eq!(l.size().unwrap(), 1, "{e}");
    }
}

#[test]
fn a_one_desk_home_moves_into_a_team_database_whole_and_verified() {
    if crate::version_1_only("upgrades a version 1 home, then moves it") {
        return;
    }
    use tradeseal_core::home::Home;
    use tradeseal_core::migrate::migrate;
    use tradeseal_core::verify::{verify, Verdict};
    let (dir, home, s) = new_home();
    let url = tradeseal_log::throwaway::database();
    // A desk's history in version 1: events, a partner, a dossier with a document, a
    // screening list, labels.
    let mut l = home.ledger().unwrap();
    import_bytes(&mut l, &s, &coffee_chain()).unwrap();
    let (_p, partner, _) = crate::home_of("Finca El Mirador", None, 41);
    l.append(
        &s,
        t(1),
        &[tradeseal_core::parties::add_entry(partner.card()).unwrap()],
    )
    .unwrap();
    let d = Dossier::new(&store::new_id([7; 8]));
    store::create(&l, &d, t(2)).unwrap();
    let doc: Vec<u8> = (0..1_500_000u32).map(|i| (i % 251) as u8).collect();
    let p = dir.path().join("invoice.pdf");
    std::fs::write(&p, &doc).unwrap();
    let a = store::attach_document(&l, &d.id, None, &p, Default::default(), t(3)).unwrap();
    tradeseal_core::dossier::screening::import_list(&l, "UFLPA", "name\nAcme Cotton\n").unwrap();
    tradeseal_core::label::issue::issue(
        &mut l,
        &s,
        t(4),
        &tradeseal_core::label::Request {
            gtin: "07701234000011",
            lot: "L2026-117",
            serials: tradeseal_core::label::Serials::Next(3),
            resolver: "https://id.acme-coffee.example",
            product: None,
        },
    )
    .unwrap();
    drop(l);

    // Version 1 is not moved: the reason and what to do, nothing written there.
    let e = migrate(&home, &url, &mut |_, _| {}).unwrap_err();
    assert!(e.to_string().contains("ledger upgrade"), "{e}");
    home.upgrade_ledger(crate::PASS, t(5)).unwrap();
    let mut l = home.ledger().unwrap();
    l.append(
        &s,
        t(6),
        &[NewEntry::note("last note on this desk").unwrap()],
    )
    .unwrap();
    let before = verify(&l, None, &mut |_, _| {}).unwrap();
    let size = l.size().unwrap();
    drop(l);

    // A copy that fails half-way (a column the team schema lacks) leaves the database
    // empty and the home on its own ledger; the retry moves it.
    home.ledger()
        .unwrap()
        .conn()
        .execute_batch("ALTER TABLE csv_mappings ADD COLUMN extra TEXT")
        .unwrap();
    let e = migrate(&home, &url, &mut |_, _| {}).unwrap_err();
    assert!(e.to_string().contains("csv_mappings"), "{e}");
    let pg = Conn::postgres(&url).unwrap();
    assert!(pg
        .query_one(
            "SELECT 1 FROM information_schema.tables WHERE table_name = 'meta'",
            &[]
        )
        .unwrap()
        .is_none());
    assert_eq!(Home::open(home.path()).unwrap().store(), None);
    home.ledger()
        .unwrap()
        .conn()
        .execute_batch("ALTER TABLE csv_mappings DROP COLUMN extra")
        .unwrap();
    let mut tables = Vec::new();
    let m = migrate(&home, &url, &mut |t, n| tables.push((t.to_string(), n))).unwrap();
    assert_eq!((m.entries, &m.root), (before.entries, &before.root));
    let entries_first = tables.iter().position(|(t, _)| t == "attachments").unwrap()
        < tables
            .iter()
            .position(|(t, _)| t == "attachment_chunks")
            .unwrap();
    assert!(entries_first, "{tables:?}");

    // The home now writes the team ledger: everything there, and it goes on.
    let home = Home::open(home.path()).unwrap();
    assert_eq!(home.store().as_deref(), Some(url.as_str()));
    let mut l = home.ledger().unwrap();
    assert_eq!(l.sql().engine(), Engine::Postgres);
    assert_eq!((l.size().unwrap(), l.v2_start()), (size, Some(size - 1)));
    let r = verify(&l, None, &mut |_, _| {}).unwrap();
    assert_eq!(r.verdict, Verdict::Intact, "{:?}", r.findings);
    assert_eq!(l.entry(3).unwrap(), {
        let local = Ledger::open(&home.path().join("ledger.sqlite")).unwrap();
        local.entry(3).unwrap()
    });
    assert_eq!(store::attachment(&l, &a.sha256).unwrap().unwrap(), doc);
    assert_eq!(tradeseal_core::parties::list(&l).unwrap().len(), 1);
    let back = trace::trace(&l, R_031, Direction::Back).unwrap();
    assert!(back.nodes.iter().filter(|n| n.origin).count() >= 2);
    let again = import_bytes(&mut l, &s, &coffee_chain()).unwrap();
    assert_eq!(again.new, 0);
    let more = import_bytes(&mut l, &s, &many_events(5)).unwrap();
    assert_eq!(more.new, 5, "new rows get new ids after the copied ones");
    let d2 = Dossier::new(&store::new_id([8; 8]));
    store::create(&l, &d2, t(7)).unwrap();
    store::attach_document(&l, &d2.id, None, &p, Default::default(), t(8)).unwrap();
    let r = verify(&l, None, &mut |_, _| {}).unwrap();
    assert_eq!(r.verdict, Verdict::Intact, "{:?}", r.findings);
    // A second home, or this one again, is not moved into a database holding a ledger.
    let e = migrate(&home, &url, &mut |_, _| {}).unwrap_err();
    assert!(e.to_string().contains("already"), "{e}");
    let (_d2, other, s2) = crate::home_of("Other", None, 42);
    let mut ol = other.ledger().unwrap();
    ol.upgrade(&s2, t(1)).unwrap();
    drop(ol);
    let e = migrate(&other, &url, &mut |_, _| {}).unwrap_err();
    assert!(
        e.to_string().contains("holds a TradeSeal ledger already"),
        "{e}"
    );
}

#[test]
fn an_officer_issues_no_labels_or_certificates_partners_could_not_check() {
    if crate::runs_once("makes its own ledgers on both engines") {
        return;
    }
    let (_d, home, org) = new_home();
    for (engine, mut l, _dir) in ledgers(&org.public_key()) {
        let e = format!("{engine:?}");
        import_bytes(&mut l, &org, &coffee_chain()).unwrap();
        let ana = enrol_ana(&mut l, home.card(), &org, t(1));
        let size = l.size().unwrap();
        let label = tradeseal_core::label::issue::issue(
            &mut l,
            &ana,
            t(2),
            &tradeseal_core::label::Request {
                gtin: "07701234000011",
                lot: "L2026-117",
                serials: tradeseal_core::label::Serials::Next(1),
                resolver: "https://id.acme-coffee.example",
                product: None,
            },
        )
        .err()
        .expect("refused");
        assert!(
            label.to_string().contains("organisation's key"),
            "{e}: {label}"
        );
        let cert = tradeseal_core::certificate::issue::issue(
            &mut l,
            &ana,
            t(2),
            tradeseal_core::certificate::statement::CertificateType::Authenticity,
            &tradeseal_core::certificate::statement::Target::Lot(
                "04012345123456/R-2026-031".into(),
            ),
        )
        .err()
        .expect("refused");
        assert!(
            cert.to_string().contains("organisation's key"),
            "{e}: {cert}"
        );
        assert_eq!(l.size().unwrap(), size, "{e}: nothing recorded");
    }
}

#[test]
fn the_events_and_dossiers_views_name_the_officer_who_recorded_them() {
    if crate::version_1_only("upgrades a version 1 home") {
        return;
    }
    let (_d, home, org) = new_home();
    for (engine, mut l, _dir) in ledgers(&org.public_key()) {
        let e = format!("{engine:?}");
        let ana = enrol_ana(&mut l, home.card(), &org, t(1));
        let doc: serde_json::Value = serde_json::from_slice(&coffee_chain()).unwrap();
        let (mut first, mut rest) = (doc.clone(), doc.clone());
        let all = doc["epcisBody"]["eventList"].as_array().unwrap().clone();
        first["epcisBody"]["eventList"] = serde_json::Value::Array(all[..4].to_vec());
        rest["epcisBody"]["eventList"] = serde_json::Value::Array(all[4..].to_vec());
        import_bytes(&mut l, &ana, &serde_json::to_vec(&first).unwrap()).unwrap();
        import_bytes(&mut l, &org, &serde_json::to_vec(&rest).unwrap()).unwrap();
        let events = tradeseal_core::timeline::timeline(&l, &Default::default(), 100).unwrap();
        let ana_n = events
            .iter()
            .filter(|v| v.officer.as_deref() == Some("Ana Ruiz"))
            .count();
        // (No organisation card in this ledger's meta: the organisation is named so.)
        let org_n = events
            .iter()
            .filter(|v| v.officer.as_deref() == Some("the organisation"))
            .count();
        assert_eq!((ana_n, org_n), (4, 6), "{e}");
    }
    // A dossier sealed by an officer (the coffee chain's home, upgraded): the list says
    // who; her seal is not exported as the organisation's (it would carry her enrolment).
    let (_dir, home, s, mut l) = crate::dossier::coffee_home();
    l.upgrade(&s, t(3)).unwrap();
    let ana = enrol_ana(&mut l, home.card(), &s, t(3));
    let mut d = crate::dossier::draft_from_shipment_pub(&l);
    crate::dossier::complete(&mut d);
    store::save(&l, &d, t(4)).unwrap();
    store::seal(&mut l, &ana, t(5), &d.id, [9; 32], crate::dossier::lists()).unwrap();
    let list = store::list(&l, "").unwrap();
    assert_eq!(list[0].sealed_by.as_deref(), Some("Ana Ruiz"));
    let err = store::export(&l, home.card(), &d.id, None, &[]).unwrap_err();
    assert!(err.to_string().contains("officer"), "{err}");
}

#[test]
fn an_interrupted_officer_key_rotation_is_finished_or_dropped_by_what_the_ledger_says() {
    if crate::runs_once("makes its own ledgers on both engines") {
        return;
    }
    use tradeseal_core::home::Home;
    let (dir, home, org) = new_home();
    let (desk, ana, card, _l) = team_with_ana(dir.path(), &home, &org);
    // Interrupted before the commit: files of a key the ledger never enrolled are dropped.
    let stray = tradeseal_core::commit::OfficerCard::new(
        &card.origin,
        &card.org,
        "Ana Ruiz",
        &tradeseal_core::signature::PublicKey::of(&ed25519_dalek::SigningKey::from_bytes(
            &[0x44; 32],
        )),
    );
    std::fs::write(desk.join("identity.age.next"), b"not a key").unwrap();
    std::fs::write(
        desk.join("officer.json.next"),
        serde_json::to_vec(&stray).unwrap(),
    )
    .unwrap();
    ana.ledger().unwrap();
    assert!(!desk.join("identity.age.next").exists() && !desk.join("officer.json.next").exists());
    // Interrupted after the commit: the ledger enrolled the new key, so the new files
    // go into place and the desk is that key's.
    let mut ana = Home::open(&desk).unwrap();
    let seq = ana
        .rotate_officer_key(crate::PASS, [0x23; 32], t(2), 10)
        .unwrap();
    let new_card = ana.officer().unwrap().clone();
    assert_ne!(new_card.public_key, card.public_key);
    assert!(seq > 0);
    let signer = ana.unlock(crate::PASS).unwrap();
    assert_eq!(signer.public_key().to_hex(), new_card.public_key);
    let mut l = ana.ledger().unwrap();
    l.append(&signer, t(3), &[NewEntry::note("new key").unwrap()])
        .unwrap();
    // (Simulated: the rename after the commit did not happen.)
    let (key_now, officer_now) = (
        std::fs::read(desk.join("identity.age")).unwrap(),
        std::fs::read(desk.join("officer.json")).unwrap(),
    );
    std::fs::write(desk.join("identity.age.next"), &key_now).unwrap();
    std::fs::write(desk.join("officer.json.next"), &officer_now).unwrap();
    std::fs::write(
        desk.join("officer.json"),
        serde_json::to_vec(&card).unwrap(),
    )
    .unwrap();
    let reopened = Home::open(&desk).unwrap();
    let e = reopened.ledger().err().expect("finished, and said so");
    assert!(e.to_string().contains("finished now"), "{e}");
    let reopened = Home::open(&desk).unwrap();
    assert_eq!(reopened.officer().unwrap().public_key, new_card.public_key);
    let r =
        tradeseal_core::verify::verify(&reopened.ledger().unwrap(), None, &mut |_, _| {}).unwrap();
    assert_eq!(
        r.verdict,
        tradeseal_core::verify::Verdict::Intact,
        "{:?}",
        r.findings
    );
}

/// Ana Ruiz (seed 0x22) enrolled as an officer by `admin` at `at`; her signer.
/// `home`'s team ledger founded in a throwaway database, with Ana Ruiz's desk (in
/// `dir`/ana, seed 0x22) joined and enrolled as an officer by `org`: the desk's folder,
/// its home, her card, and the organisation's ledger.
fn team_with_ana(
    dir: &std::path::Path,
    home: &tradeseal_core::home::Home,
    org: &tradeseal_core::identity::Signer,
) -> (
    std::path::PathBuf,
    tradeseal_core::home::Home,
    tradeseal_core::commit::OfficerCard,
    Ledger,
) {
    let url = tradeseal_log::throwaway::database();
    tradeseal_core::team::init(home, org, &url).unwrap();
    let desk = dir.join("ana");
    let (ana, card) =
        tradeseal_core::team::join(&desk, &url, "Ana Ruiz", [0x22; 32], crate::PASS, 10).unwrap();
    let mut l = tradeseal_core::home::Home::open(home.path())
        .unwrap()
        .ledger()
        .unwrap();
    tradeseal_core::team::add_officer(
        &mut l,
        org,
        t(1),
        &serde_json::to_string(&card).unwrap(),
        tradeseal_core::store::Role::Officer,
    )
    .unwrap();
    (desk, ana, card, l)
}

fn enrol_ana(
    l: &mut Ledger,
    org_card: &tradeseal_core::identity::IdentityCard,
    admin: &tradeseal_core::identity::Signer,
    at: tradeseal_core::Timestamp,
) -> tradeseal_core::identity::Signer {
    let key = ed25519_dalek::SigningKey::from_bytes(&[0x22; 32]);
    let card = tradeseal_core::commit::OfficerCard::new(
        l.origin(),
        &org_card.org,
        "Ana Ruiz",
        &tradeseal_core::signature::PublicKey::of(&key),
    );
    l.v2()
        .unwrap()
        .add_officer(&admin.key, at, &card, tradeseal_core::store::Role::Officer)
        .unwrap();
    tradeseal_core::identity::Signer {
        key,
        card: org_card.clone(),
    }
}

#[test]
fn the_organisation_hands_a_team_ledger_over_to_a_new_key() {
    if crate::runs_once("makes its own team ledger") {
        return;
    }
    use tradeseal_core::home::Home;
    use tradeseal_core::verify::{verify, Verdict};
    let (dir, home, org) = new_home();
    let (desk, _ana, _card, l) = team_with_ana(dir.path(), &home, &org);
    drop(l);
    // The organisation's desk hands the ledger over: one key.rotate commit by the old
    // key, the desk's files replaced, the old key gone.
    let mut desk_org = Home::open(home.path()).unwrap();
    let seq = desk_org
        .rotate_key(crate::PASS, [0x31; 32], t(2), 10)
        .unwrap();
    let new_org = desk_org.unlock(crate::PASS).unwrap();
    assert_ne!(new_org.public_key(), org.public_key());
    assert_eq!(new_org.card.origin, org.card.origin);
    let mut l = desk_org.ledger().unwrap();
    assert_eq!(*l.key(), new_org.public_key());
    assert_eq!(tradeseal_core::team::officers(&l).unwrap().len(), 1);
    // The new key commits and administers; the old one commits nothing more.
    l.append(&new_org, t(3), &[NewEntry::note("new key").unwrap()])
        .unwrap();
    let refused = l.append(&org, t(4), &[NewEntry::note("old key").unwrap()]);
    assert!(refused.is_err(), "the retired key committed");
    let r = verify(&l, None, &mut |_, _| {}).unwrap();
    assert_eq!(r.verdict, Verdict::Intact, "{:?}", r.findings);
    assert!(seq > 0);
    // An officer's desk follows: its copy of the organisation's card is the new one.
    let ana = Home::open(&desk).unwrap();
    let signer = ana.unlock(crate::PASS).unwrap();
    let mut al = ana.ledger().unwrap();
    assert_eq!(
        Home::open(&desk).unwrap().card().public_key,
        new_org.public_key().to_hex()
    );
    al.append(
        &signer,
        t(5),
        &[NewEntry::note("Ana after the hand-over").unwrap()],
    )
    .unwrap();
    // Who made each entry: the hand-over (the old key's) and the new key's note are the
    // organisation's, Ana's note hers.
    let views = al.entry_views_desc(0, al.size().unwrap()).unwrap();
    let by = |kind: &str, text: &str| {
        views
            .iter()
            .find(|v| v.kind == kind && v.summary.contains(text))
            .and_then(|v| v.officer.clone())
    };
    let org_name = Some(org.card.org.clone());
    assert_eq!(by("key.rotate", ""), org_name, "{views:?}");
    assert_eq!(by("note", "new key"), org_name);
    assert_eq!(by("note", "Ana after").as_deref(), Some("Ana Ruiz"));
    // A commit the old key signs after the hand-over, written below the domain, is
    // flagged by whole-ledger verification.
    use tradeseal_core::db::Sql;
    let v2 = al.v2().unwrap();
    let size = v2.size().unwrap();
    let forged = v2
        .commit_with(&org.key, t(6), |a| {
            a.push(vec![tradeseal_log::store::NewEntry {
                kind: "note".into(),
                payload: r#"{"text":"forged"}"#.into(),
            }])
        })
        .map(|_| ());
    // The store refuses it outright; if it did not, verify would say key-retired.
    assert!(
        forged.is_err() || {
            let r = v2.verify().unwrap();
            r.findings.iter().any(|f| f.code == "key-retired")
        }
    );
    assert_eq!(al.v2().unwrap().size().unwrap(), size);
    let _ = al.sql().engine();
}

#[test]
fn a_forged_hand_over_of_a_team_ledger_is_refused_and_flagged() {
    if crate::runs_once("makes its own ledgers on both engines") {
        return;
    }
    let (_d, _home, s) = new_home();
    for (engine, mut l, _dir) in ledgers(&s.public_key()) {
        let e = format!("{engine:?}");
        let v2 = l.v2().unwrap();
        let new = ed25519_dalek::SigningKey::from_bytes(&[0x41; 32]);
        let new_key = tradeseal_core::signature::PublicKey::of(&new);
        let old_card = serde_json::to_value(&s.card).unwrap();
        let mut new_card = old_card.clone();
        new_card["public_key"] = new_key.to_hex().into();
        // A signature by another key than the new one: refused, nothing written.
        let wrong = ed25519_dalek::SigningKey::from_bytes(&[0x42; 32]);
        let msg = tradeseal_log::commit::key_rotate_message(v2.origin(), &s.public_key(), &new_key);
        let bad = tradeseal_core::signature::sign(&wrong, &msg);
        assert!(
            v2.rotate_org(&s.key, t(1), &old_card, &new_card, &new_key, &bad)
                .is_err(),
            "{e}"
        );
        assert_eq!(v2.size().unwrap(), 0, "{e}");
        // The right one: the new key is the organisation's, the ledger verifies.
        let good = tradeseal_core::signature::sign(&new, &msg);
        v2.rotate_org(&s.key, t(1), &old_card, &new_card, &new_key, &good)
            .unwrap();
        assert_eq!(*v2.org(), new_key, "{e}");
        let r = v2.verify().unwrap();
        assert!(r.intact(), "{e}: {:?}", r.findings);
        // The stored hand-over's signature altered below the store: flagged.
        use tradeseal_core::db::Sql;
        let payload = v2
            .conn()
            .query_one("SELECT payload FROM entries WHERE kind = 'key.rotate'", &[])
            .unwrap()
            .unwrap()
            .text(0)
            .unwrap();
        let mut p: serde_json::Value = serde_json::from_str(&payload).unwrap();
        p["new_signature"] = hex::encode(bad).into();
        let forged = tradeseal_log::canonical::value_to_canonical(&p).unwrap();
        v2.conn()
            .execute(
                "UPDATE entries SET payload = ?1 WHERE kind = 'key.rotate'",
                tradeseal_log::sql_params![forged],
            )
            .unwrap();
        let codes: Vec<&str> = v2
            .verify()
            .unwrap()
            .findings
            .iter()
            .map(|f| f.code)
            .collect();
        assert!(codes.contains(&"rotation-invalid"), "{e}: {codes:?}");
    }
}

#[test]
fn a_version_2_bundle_carries_the_organisations_hand_over_for_partners_to_follow() {
    if crate::runs_once("makes its own ledgers on both engines") {
        return;
    }
    use tradeseal_core::bundle::{self, BundleVerdict};
    let (_d, home, org) = new_home();
    for (engine, mut l, _dir) in ledgers(&org.public_key()) {
        let e = format!("{engine:?}");
        // Part of the chain under the founding key, the rest after the hand-over.
        let doc: serde_json::Value = serde_json::from_slice(&coffee_chain()).unwrap();
        let (mut first, mut rest) = (doc.clone(), doc.clone());
        let all = doc["epcisBody"]["eventList"].as_array().unwrap().clone();
        first["epcisBody"]["eventList"] = serde_json::Value::Array(all[..4].to_vec());
        rest["epcisBody"]["eventList"] = serde_json::Value::Array(all[4..].to_vec());
        import_bytes(&mut l, &org, &serde_json::to_vec(&first).unwrap()).unwrap();
        let key = ed25519_dalek::SigningKey::from_bytes(&[0x51; 32]);
        let new = tradeseal_core::identity::Signer {
            card: tradeseal_core::keys::successor_card(
                home.card(),
                &tradeseal_core::signature::PublicKey::of(&key),
            )
            .unwrap(),
            key,
        };
        l.rotate(&org, &new, t(2)).unwrap();
        import_bytes(&mut l, &new, &serde_json::to_vec(&rest).unwrap()).unwrap();

        let mut bytes = Vec::new();
        let n = bundle::export(&l, &new.card, "lot", R_031, &mut bytes).unwrap();
        assert!(n >= 5, "{e}: {n}");
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("\"entry_kind\":\"key.rotate\""), "{e}");
        assert!(
            text.contains(&org.public_key().to_hex()),
            "{e}: the founding card"
        );
        // A partner who never confirmed the fingerprint: verified, with that warning only.
        let r = bundle::verify(&bytes[..], None, &mut |_| true).unwrap();
        assert_eq!(
            r.verdict,
            BundleVerdict::VerifiedWithWarnings,
            "{e}: {:?}",
            r.findings
        );
        assert_eq!(codes(&r), ["signer-unknown"], "{e}");
        // A partner who trusts the founding card imports it and follows the hand-over:
        // the new key takes the old one's standing, as a trust decision of its own.
        let (_rd, rh, rs) = crate::v2_home_of("Roastery Berlin", None, 0x56);
        let mut rl = rh.ledger().unwrap();
        rl.append(
            &rs,
            t(3),
            &[
                tradeseal_core::parties::add_entry(home.card()).unwrap(),
                tradeseal_core::parties::trust_entry(&home.card().public_key).unwrap(),
            ],
        )
        .unwrap();
        let got = bundle::import(&mut rl, &rs, t(4), || Ok(&bytes[..]), &mut |_| true).unwrap();
        assert_eq!(
            got.report.verdict,
            BundleVerdict::Verified,
            "{e}: {:?}",
            got.report.findings
        );
        let parties = tradeseal_core::parties::list(&rl).unwrap();
        let new_party = parties
            .iter()
            .find(|p| p.card.public_key == new.card.public_key)
            .unwrap_or_else(|| panic!("{e}: the new key followed: {parties:?}"));
        assert_eq!(
            new_party.status,
            tradeseal_core::parties::TrustStatus::Trusted,
            "{e}"
        );
        // The hand-over's new signature altered: the partner's verifier refuses it.
        let forged = reforge(&bytes, |_, v| {
            if v["type"] == "entry" && v["entry_kind"] == "key.rotate" {
                v["payload"]["new_signature"] = "00".repeat(64).into();
            }
        });
        let r = bundle::verify(&forged[..], None, &mut |_| true).unwrap();
        assert_eq!(r.verdict, BundleVerdict::Failed, "{e}: {:?}", r.findings);
    }
}

#[test]
fn a_partners_entries_received_in_two_bundles_are_passed_on_in_one() {
    if crate::runs_once("makes its own version 2 homes") {
        return;
    }
    use tradeseal_core::bundle::{self, BundleVerdict};
    const H_017: &str = "https://id.gs1.org/01/07701234000011/10/H-2026-017";
    const H_018: &str = "https://id.gs1.org/01/07701234000011/10/H-2026-018";
    let (_fd, farm, fs) = crate::v2_home_of("Finca El Mirador", None, 0x61);
    let (_cd, coop, cs) = crate::v2_home_of("Cooperativa del Huila", None, 0x62);
    let (mut fl, mut cl) = (farm.ledger().unwrap(), coop.ledger().unwrap());
    let doc: serde_json::Value = serde_json::from_slice(&coffee_chain()).unwrap();
    let all = doc["epcisBody"]["eventList"].as_array().unwrap().clone();
    let part = |events: &[serde_json::Value]| {
        let mut d = doc.clone();
        d["epcisBody"]["eventList"] = serde_json::Value::Array(events.to_vec());
        serde_json::to_vec(&d).unwrap()
    };
    // The farm harvests one lot and sends its bundle; then the other, and another bundle.
    for (i, lot) in [(0, H_017), (1, H_018)] {
        import_bytes(&mut fl, &fs, &part(&all[i..=i])).unwrap();
        let mut b = Vec::new();
        bundle::export(&fl, farm.card(), "lot", lot, &mut b).unwrap();
        bundle::import(&mut cl, &cs, t(10 + i as i64), || Ok(&b[..]), &mut |_| true).unwrap();
    }
    // (Two bundles of one state of a ledger, another farm's: two groups with one anchor.)
    let (_f2d, farm2, f2s) = crate::v2_home_of("Finca La Esperanza", None, 0x63);
    let mut f2l = farm2.ledger().unwrap();
    let mut two = doc.clone();
    let mut evs = vec![all[0].clone(), all[1].clone()];
    for (e, lot) in evs.iter_mut().zip(["H-2026-917", "H-2026-918"]) {
        e["quantityList"][0]["epcClass"] =
            format!("urn:epc:class:lgtin:7701234.000001.{lot}").into();
        e["eventTime"] = "2026-02-01T08:00:00.000-05:00".into();
    }
    two["epcisBody"]["eventList"] = serde_json::Value::Array(evs);
    import_bytes(&mut f2l, &f2s, &serde_json::to_vec(&two).unwrap()).unwrap();
    let mut anchors = Vec::new();
    for lot in ["H-2026-917", "H-2026-918"] {
        let mut b = Vec::new();
        let id = format!("https://id.gs1.org/01/07701234000011/10/{lot}");
        bundle::export(&f2l, farm2.card(), "lot", &id, &mut b).unwrap();
        anchors.push(
            String::from_utf8(b.clone())
                .unwrap()
                .lines()
                .find(|l| l.contains("\"type\":\"ledger\""))
                .unwrap()
                .to_string(),
        );
        bundle::import(&mut cl, &cs, t(12), || Ok(&b[..]), &mut |_| true).unwrap();
    }
    assert_eq!(anchors[0], anchors[1], "one state, one anchor");
    // The cooperative packs both lots and ships them: its bundle of the shipment carries
    // the farm's entries of both bundles, in two groups of the farm's ledger.
    let mut pack = all[2].clone();
    pack["childQuantityList"]
        .as_array_mut()
        .unwrap()
        .extend(["H-2026-917", "H-2026-918"].map(|lot| {
            serde_json::json!({"epcClass": format!("urn:epc:class:lgtin:7701234.000001.{lot}"), "quantity": 1000, "uom": "KGM"})
        }));
    import_bytes(&mut cl, &cs, &part(&[pack, all[3].clone()])).unwrap();
    let mut out = Vec::new();
    let n = bundle::export(
        &cl,
        coop.card(),
        "sscc",
        "https://id.gs1.org/00/077012340000000172",
        &mut out,
    )
    .unwrap();
    assert_eq!(n, 6, "four harvests, packing, shipping");
    let text = String::from_utf8(out.clone()).unwrap();
    let farm_groups = text
        .lines()
        .filter(|l| l.contains("\"type\":\"ledger\"") && l.contains(fl.origin()))
        .count();
    assert_eq!(farm_groups, 2, "{text}");
    let farm2_groups = text
        .lines()
        .filter(|l| l.contains("\"type\":\"ledger\"") && l.contains(f2l.origin()))
        .count();
    assert_eq!(farm2_groups, 2, "{text}");
    let r = bundle::verify(&out[..], None, &mut |_| true).unwrap();
    assert_ne!(r.verdict, BundleVerdict::Failed, "{:?}", r.findings);
    assert_eq!((r.entries, r.events), (6, 6));
    // Two groups of one ledger out of order are refused.
    let mut lines: Vec<&str> = text.lines().collect();
    let starts: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains("\"type\":\"ledger\"") && l.contains(fl.origin()))
        .map(|(i, _)| i)
        .collect();
    let end = lines
        .iter()
        .enumerate()
        .skip(starts[1])
        .find(|(_, l)| l.contains("\"type\":\"proof\""))
        .map(|(i, _)| i)
        .unwrap();
    let second: Vec<&str> = lines.drain(starts[1]..=end).collect();
    for (k, l) in second.into_iter().enumerate() {
        lines.insert(starts[0] + k, l);
    }
    let swapped = lines.join("\n") + "\n";
    let r = bundle::verify(swapped.as_bytes(), None, &mut |_| true).unwrap();
    assert_eq!(r.verdict, BundleVerdict::Failed);
}
