//! The SQL layer on both engines: values round-trip, a failed write leaves nothing,
//! and writers on separate connections are serialised.

use tradeseal_log::db::{self, Conn, Engine, Sql, Value};
use tradeseal_log::{sql_params, Error};

/// How to open a connection to one test database.
type Opener = Box<dyn Fn() -> Conn>;

/// Each engine with an opener of one fresh database (and the folder that holds it).
fn engines() -> Vec<(Engine, Opener, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.sqlite");
    let pg = tradeseal_log::throwaway::database();
    let sqlite = move || {
        let c = rusqlite_open(&file);
        Conn::Sqlite(c)
    };
    vec![
        (Engine::Sqlite, Box::new(sqlite), dir),
        (
            Engine::Postgres,
            Box::new(move || Conn::postgres(&pg).unwrap()),
            tempfile::tempdir().unwrap(),
        ),
    ]
}

fn rusqlite_open(p: &std::path::Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(p).unwrap();
    c.execute_batch("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000;")
        .unwrap();
    c
}

fn schema(e: Engine) -> &'static str {
    match e {
        Engine::Sqlite => "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT, b BLOB, r REAL); CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT INTO counter VALUES (1, 0);",
        Engine::Postgres => "CREATE TABLE t (id BIGINT PRIMARY KEY, n BIGINT, s TEXT, b BYTEA, r DOUBLE PRECISION); CREATE TABLE counter (id BIGINT PRIMARY KEY, n BIGINT NOT NULL); INSERT INTO counter VALUES (1, 0);",
    }
}

#[test]
fn values_round_trip_and_a_failed_write_leaves_nothing() {
    for (engine, open, _dir) in engines() {
        let mut c = open();
        assert_eq!(c.engine(), engine);
        c.batch(schema(engine)).unwrap();
        c.write(|tx| {
            tx.execute(
                "INSERT INTO t (id, n, s, b, r) VALUES (?1, ?2, ?3, ?4, ?5)",
                sql_params![1i64, -5i64, "Café ✓ 'quoted'", vec![0u8, 255, 7], 1.25f64],
            )?;
            tx.execute(
                "INSERT INTO t (id, n, s, b) VALUES (?1, ?2, ?3, ?4)",
                sql_params![2i64, None::<i64>, None::<String>, None::<Vec<u8>>],
            )
        })
        .unwrap();
        let rows = c
            .query("SELECT id, n, s, b, r FROM t ORDER BY id", &[])
            .unwrap();
        assert_eq!(rows.len(), 2, "{engine:?}");
        assert_eq!(rows[0].int(1).unwrap(), -5);
        assert_eq!(rows[0].text(2).unwrap(), "Café ✓ 'quoted'");
        assert_eq!(rows[0].blob(3).unwrap(), vec![0u8, 255, 7]);
        assert_eq!(rows[0].opt_real(4).unwrap(), Some(1.25));
        assert_eq!(
            rows[1].0[1..],
            [Value::Null, Value::Null, Value::Null, Value::Null]
        );
        // A write that fails half-way leaves nothing of itself.
        let r: Result<(), Error> = c.write(|tx| {
            tx.execute(
                "INSERT INTO t (id, n) VALUES (?1, ?2)",
                sql_params![3i64, 3i64],
            )?;
            tx.execute(
                "INSERT INTO t (id, n) VALUES (?1, ?2)",
                sql_params![1i64, 1i64],
            )?;
            Ok(())
        });
        assert!(r.is_err(), "{engine:?}: the duplicate key fails");
        let n = c.query_one("SELECT count(*) FROM t", &[]).unwrap().unwrap();
        assert_eq!(n.int(0).unwrap(), 2, "{engine:?}");
    }
}

#[test]
fn writers_on_separate_connections_are_serialised() {
    for (engine, open, _dir) in engines() {
        open().batch(schema(engine)).unwrap();
        std::thread::scope(|s| {
            for _ in 0..4 {
                let mut c = open();
                s.spawn(move || {
                    for _ in 0..25 {
                        // Read, then write what was read plus one: lost updates if two
                        // writers ever overlapped.
                        c.write(|tx| {
                            let n = tx
                                .query_one("SELECT n FROM counter WHERE id = 1", &[])?
                                .unwrap()
                                .int(0)?;
                            tx.execute("UPDATE counter SET n = ?1 WHERE id = 1", sql_params![n + 1])
                        })
                        .unwrap();
                    }
                });
            }
        });
        let n = open()
            .query_one("SELECT n FROM counter", &[])
            .unwrap()
            .unwrap();
        assert_eq!(n.int(0).unwrap(), 100, "{engine:?}");
    }
}

#[test]
fn a_write_begun_on_a_shared_connection_commits_joins_and_rolls_back() {
    for (engine, open, _dir) in engines() {
        let c = open();
        c.batch(schema(engine)).unwrap();
        let count = |c: &Conn| {
            c.query_one("SELECT count(*) FROM t", &[])
                .unwrap()
                .unwrap()
                .int(0)
                .unwrap()
        };
        let insert = |db: &dyn Sql, id: i64| {
            db.execute("INSERT INTO t (id) VALUES (?1)", sql_params![id])
                .unwrap();
        };
        // Committed: there.
        let w = db::begin(&c).unwrap();
        assert!(c.in_transaction(), "{engine:?}");
        insert(&c, 1);
        w.commit().unwrap();
        assert!(!c.in_transaction(), "{engine:?}");
        assert_eq!(count(&c), 1, "{engine:?}");
        // Dropped before commit (an error on the way): nothing of it, the connection usable.
        {
            let _w = db::begin(&c).unwrap();
            insert(&c, 2);
        }
        assert!(!c.in_transaction(), "{engine:?}");
        assert_eq!(count(&c), 1, "{engine:?}");
        // An inner write joins the outer one: its commit commits nothing; the outer's
        // rollback takes both away.
        {
            let _outer = db::begin(&c).unwrap();
            let inner = db::begin(&c).unwrap();
            insert(&c, 3);
            inner.commit().unwrap();
            assert!(c.in_transaction(), "{engine:?}");
        }
        assert_eq!(count(&c), 1, "{engine:?}");
        // A statement that fails inside: rolled back whole when the write is dropped.
        {
            let _w = db::begin(&c).unwrap();
            insert(&c, 4);
            assert!(c
                .execute("INSERT INTO t (id) VALUES (?1)", sql_params![4i64])
                .is_err());
        }
        assert_eq!(count(&c), 1, "{engine:?}");
        insert(&c, 5);
        assert_eq!(count(&c), 2, "{engine:?}");
    }
}

#[test]
fn writes_begun_on_shared_connections_are_serialised() {
    for (engine, open, _dir) in engines() {
        open().batch(schema(engine)).unwrap();
        std::thread::scope(|s| {
            for _ in 0..4 {
                let c = open();
                s.spawn(move || {
                    for _ in 0..25 {
                        let w = db::begin(&c).unwrap();
                        let n = c
                            .query_one("SELECT n FROM counter WHERE id = 1", &[])
                            .unwrap()
                            .unwrap()
                            .int(0)
                            .unwrap();
                        c.execute("UPDATE counter SET n = ?1 WHERE id = 1", sql_params![n + 1])
                            .unwrap();
                        w.commit().unwrap();
                    }
                });
            }
        });
        let n = open()
            .query_one("SELECT n FROM counter", &[])
            .unwrap()
            .unwrap();
        assert_eq!(n.int(0).unwrap(), 100, "{engine:?}");
    }
}

#[test]
fn a_bad_or_unreachable_store_is_named_with_what_to_do() {
    let e = Conn::postgres("postgres://officer@[db.example.com/tradeseal")
        .err()
        .expect("refused");
    assert_eq!(e.code(), tradeseal_log::ErrorCode::InvalidInput, "{e}");
    assert!(
        e.to_string()
            .contains("give a PostgreSQL connection string"),
        "{e}"
    );
    let e = Conn::postgres("host=/nonexistent/socket/folder user=officer dbname=tradeseal")
        .err()
        .expect("refused");
    assert_eq!(e.code(), tradeseal_log::ErrorCode::Unreachable, "{e}");
    assert!(
        e.to_string().contains("/nonexistent/socket/folder")
            && e.to_string().contains("that the server runs"),
        "{e}"
    );
}
