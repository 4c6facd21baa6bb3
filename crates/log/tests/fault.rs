//! The team database stopped in the middle of an import: the officer gets a clear
//! error, nothing of the commit is there, and once the server is back the same
//! commit succeeds and the ledger verifies.

use ed25519_dalek::SigningKey;
use tradeseal_log::db::{Conn, Sql};
use tradeseal_log::signature::PublicKey;
use tradeseal_log::store::{Ledger, NewEntry};
use tradeseal_log::throwaway::Private;
use tradeseal_log::{ErrorCode, Timestamp};

fn chunk(from: usize) -> Vec<NewEntry> {
    (from..from + 500)
        .map(|i| NewEntry {
            kind: "note".into(),
            payload: format!("{{\"text\":\"event {i}\"}}"),
        })
        .collect()
}

#[test]
fn postgres_stopped_mid_import_leaves_nothing_and_the_retry_succeeds() {
    let pg = Private::new();
    let org = SigningKey::from_bytes(&[0x11; 32]);
    let t = Timestamp::from_unix_millis(1_795_000_000_000).unwrap();
    let mut l = Ledger::create(Conn::postgres(&pg.url).unwrap(), &PublicKey::of(&org)).unwrap();
    l.commit(&org, t, &chunk(0)).unwrap();
    // The import: one chunk written, then the server goes away.
    let e = l
        .commit_with(&org, t, |a| {
            a.push(chunk(500))?;
            pg.stop();
            a.push(chunk(1000))?;
            Ok(())
        })
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unreachable, "{e}");
    assert!(e.to_string().contains("that the server runs"), "{e}");
    pg.start();
    // Nothing of it was written; a new connection retries the whole import.
    let mut l = Ledger::open(Conn::postgres(&pg.url).unwrap()).unwrap();
    assert_eq!(l.size().unwrap(), 500);
    let ((), c) = l
        .commit_with(&org, t, |a| {
            a.push(chunk(500))?;
            a.push(chunk(1000))?;
            Ok(())
        })
        .unwrap();
    assert_eq!((c.start, c.end), (500, 1500));
    assert!(l.verify().unwrap().intact());
    let db = Conn::postgres(&pg.url).unwrap();
    let n = db
        .query_one("SELECT count(*) FROM entries", &[])
        .unwrap()
        .unwrap();
    assert_eq!(n.int(0).unwrap(), 1500);
}
