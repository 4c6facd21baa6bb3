//! Proof-of-existence benchmark (a bench command): a file of N MiB (default 1,024: the
//! 1 GB of issue 18) written, then read three ways, each three times, file in the page
//! cache: raw reading in the same 1 MiB chunks (the floor: what the disk and the kernel
//! give), `attest::hash_file` (reading and SHA-256), and coreutils' `sha256sum` (a
//! reference); then the file attested (hash, one ledger entry, certificate) and checked.
//!
//! `cargo bench -p tradeseal-core --bench attest [-- MIB]`. The file goes to
//! TRADESEAL_BENCH_DIR (default: the system's temporary folder) and is removed after.

use std::io::Read;
use std::time::Instant;
use tradeseal_core::attest;

mod common;
use common::{bench_home, peak_rss_mib};

fn main() {
    let mib: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1024);
    let base = std::env::var_os("TRADESEAL_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let dir = tempfile::tempdir_in(&base).unwrap();
    let path = dir.path().join("big.bin");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let mut chunk = vec![0u8; 1 << 20];
        for i in 0..mib {
            for (j, b) in chunk.iter_mut().enumerate() {
                *b = (i as usize * 31 + j * 7) as u8;
            }
            f.write_all(&chunk).unwrap();
        }
        f.flush().unwrap();
    }
    let bytes = mib << 20;
    let rate = |secs: f64| bytes as f64 / secs / 1e6;
    println!("file: {mib} MiB ({bytes} bytes) in {}", base.display());

    let time = |what: &str, f: &mut dyn FnMut()| {
        let mut runs = Vec::new();
        for _ in 0..3 {
            let t0 = Instant::now();
            f();
            runs.push(t0.elapsed().as_secs_f64());
        }
        runs.sort_by(f64::total_cmp);
        println!(
            "{what}: median {:.2} s ({:.0} MB/s), runs {:?}",
            runs[1],
            rate(runs[1]),
            runs.iter().map(|r| format!("{r:.2}")).collect::<Vec<_>>()
        );
    };
    time("read only, 1 MiB chunks (the floor)", &mut || {
        let mut f = std::fs::File::open(&path).unwrap();
        let mut buf = vec![0u8; 1 << 20];
        let mut n = 0u64;
        loop {
            match f.read(&mut buf).unwrap() {
                0 => break,
                k => n += k as u64,
            }
        }
        assert_eq!(n, bytes);
    });
    let mut hashed = None;
    time("attest::hash_file (read + SHA-256)", &mut || {
        hashed = Some(attest::hash_file(&path, &mut |_, _| {}).unwrap());
    });
    let hashed = hashed.unwrap();
    match std::process::Command::new("sha256sum").arg(&path).output() {
        Ok(o) if o.status.success() => {
            let theirs = String::from_utf8_lossy(&o.stdout);
            assert_eq!(
                theirs.split_whitespace().next(),
                Some(hashed.sha256.as_str())
            );
            time("sha256sum (coreutils, reference)", &mut || {
                let o = std::process::Command::new("sha256sum")
                    .arg(&path)
                    .output()
                    .unwrap();
                assert!(o.status.success());
            });
        }
        _ => println!("sha256sum: not here, no reference"),
    }

    // From the disk itself, where the kernel lets this process drop its page cache
    // (root on Linux): reading alone, then reading and hashing.
    let drop_caches = || {
        let _ = std::process::Command::new("sync").status();
        std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
    };
    if drop_caches() {
        let t0 = Instant::now();
        let mut f = std::fs::File::open(&path).unwrap();
        let mut buf = vec![0u8; 1 << 20];
        while f.read(&mut buf).unwrap() > 0 {}
        let read = t0.elapsed().as_secs_f64();
        drop_caches();
        let t0 = Instant::now();
        attest::hash_file(&path, &mut |_, _| {}).unwrap();
        let hash = t0.elapsed().as_secs_f64();
        println!(
            "from disk (page cache dropped): read only {read:.2} s ({:.0} MB/s); attest::hash_file {hash:.2} s ({:.0} MB/s)",
            rate(read),
            rate(hash)
        );
    } else {
        println!("from disk: the page cache cannot be dropped here (not root); the runs above read from memory");
    }

    let (home, signer) = bench_home(dir.path(), "bench", 7);
    let mut ledger = home.ledger().unwrap();
    let t0 = Instant::now();
    let h = attest::hash_file(&path, &mut |_, _| {}).unwrap();
    let c = attest::attest(
        &mut ledger,
        &signer,
        tradeseal_core::system::now(),
        &h,
        "big.bin",
        Some("Bench"),
        None,
    )
    .unwrap();
    let issued = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let r = attest::check(
        attest::hash_file(&path, &mut |_, _| {}).unwrap(),
        &c.text,
        Some(&ledger),
    );
    assert!(r.proven());
    println!(
        "attest (hash, entry, certificate): {issued:.2} s; check (hash, verify): {:.2} s; code {} characters",
        t1.elapsed().as_secs_f64(),
        c.text.len()
    );
    println!("peak RSS of the process: {} MiB", peak_rss_mib());
}
