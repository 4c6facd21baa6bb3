//! Writing exports safely: into a temporary file of a name no other file has, beside
//! the target, flushed to disk, renamed into place, and the folder synced, so that a
//! failed or interrupted export never leaves half a file under the name, never touches
//! another file, and two exports to one folder never collide.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

/// Writes `path` with `write`, all or nothing; returns what `write` returns. A new file
/// is readable by its owner only (0600 on Unix); a file replaced keeps its permissions.
pub fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::invalid("path", format!("{} names no file", path.display())))?;
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".partial")
        .tempfile_in(dir)
        .map_err(|e| Error::io(format!("creating a file in {}", dir.display()), e))?;
    if let Ok(m) = std::fs::metadata(path) {
        // Best effort: a replaced file keeps who may read it.
        let _ = std::fs::set_permissions(tmp.path(), m.permissions());
    }
    let mut w = std::io::BufWriter::new(tmp);
    // On any error the temporary file is dropped, and so removed.
    let v = write(&mut w)?;
    let tmp = w
        .into_inner()
        .map_err(|e| Error::io(format!("writing {}", path.display()), e.into_error()))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
    tmp.persist(path)
        .map_err(|e| Error::io(format!("saving {}", path.display()), e.error))?;
    sync_dir(dir).map_err(|e| Error::io(format!("saving {}", path.display()), e))?;
    Ok(v)
}

/// Writes `bytes` to `path`, all or nothing (as [`write_atomically`]).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically(path, |w| {
        w.write_all(bytes)
            .map_err(|e| Error::io(format!("writing {}", path.display()), e))
    })
}

/// Makes a rename in `dir` durable (the folder's entry, not only the file's bytes).
#[cfg(unix)]
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
pub(crate) fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The most TradeSeal reads whole of a small file a user names: an identity card, a
/// checkpoint.
pub const MAX_SMALL_FILE: u64 = 1 << 20;
/// Of a text file read whole: a CSV of goods lines or a screening list, a dossier,
/// a list of serials, a code list.
pub const MAX_TEXT_FILE: u64 = 64 << 20;
/// Of a sealed dossier or its credential (attachments of up to 100 MiB, in base64,
/// inside).
pub const MAX_SEALED_FILE: u64 = 256 << 20;

/// Reads the file at `path` whole, refusing one over `max` bytes before reading it
/// (a file that grows past it meanwhile is refused as well): `what` names what the
/// file should be, for the message ("a sealed dossier").
pub fn read_limited(path: &Path, max: u64, what: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    let shown = path.display();
    let f = std::fs::File::open(path).map_err(|e| Error::io(format!("reading {shown}"), e))?;
    let too_big = |size: u64| {
        Error::invalid(
            "file",
            format!(
                "{shown} is {:.1} MB; {what} is at most {} MB here: check that this is the right file",
                size as f64 / 1e6,
                max / (1024 * 1024)
            ),
        )
    };
    let size = f
        .metadata()
        .map_err(|e| Error::io(format!("reading {shown}"), e))?
        .len();
    if size > max {
        return Err(too_big(size));
    }
    let mut out = Vec::with_capacity(size as usize);
    f.take(max + 1)
        .read_to_end(&mut out)
        .map_err(|e| Error::io(format!("reading {shown}"), e))?;
    if out.len() as u64 > max {
        return Err(too_big(out.len() as u64));
    }
    Ok(out)
}

/// As [`read_limited`], as UTF-8 text (a byte order mark dropped); text in another
/// encoding is refused with what to do.
pub fn read_text_limited(path: &Path, max: u64, what: &str) -> Result<String> {
    let mut bytes = read_limited(path, max, what)?;
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let b = e.as_bytes();
        let utf16 = b.starts_with(&[0xFF, 0xFE]) || b.starts_with(&[0xFE, 0xFF]);
        Error::invalid(
            "file",
            if utf16 {
                format!("{} is UTF-16 text: save it as UTF-8 and try again", path.display())
            } else {
                format!(
                    "{} is not UTF-8 text (byte {at} is not): save it as UTF-8 (a spreadsheet's \"CSV UTF-8\") and try again",
                    path.display()
                )
            },
        )
    })
}

/// The SHA-256 of a file, hex, read in a stream (as [`sha256_stream`]).
pub fn sha256_of(path: &Path) -> Result<String> {
    let f = std::fs::File::open(path)
        .map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    sha256_stream(f, &mut |_| {})
        .map(|(hex, _)| hex)
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))
}

/// Bytes read at a time when hashing a stream.
const HASH_CHUNK: usize = 1 << 20;

/// SHA-256 (hex) and length of everything `r` yields, `progress(bytes so far)` after
/// each chunk. A reader thread fills the next chunks while this one hashes, so a file
/// read from disk takes about the longer of reading and hashing, not their sum; memory
/// stays at three 1 MiB buffers whatever the size.
pub fn sha256_stream(
    mut r: impl std::io::Read + Send,
    progress: &mut dyn FnMut(u64),
) -> std::io::Result<(String, u64)> {
    use sha2::{Digest, Sha256};
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<std::io::Result<(Vec<u8>, usize)>>(2);
    let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Vec<u8>>();
    for _ in 0..3 {
        empty_tx
            .send(vec![0u8; HASH_CHUNK])
            .expect("the receiver is here");
    }
    std::thread::scope(|scope| {
        scope.spawn(move || {
            while let Ok(mut buf) = empty_rx.recv() {
                let read = loop {
                    match r.read(&mut buf) {
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        other => break other,
                    }
                };
                let done = matches!(read, Ok(0) | Err(_));
                if full_tx.send(read.map(|n| (buf, n))).is_err() || done {
                    return;
                }
            }
        });
        let mut h = Sha256::new();
        let mut size = 0u64;
        loop {
            let (buf, n) = full_rx
                .recv()
                .expect("the reader ends with Ok(0) or an error")?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
            size += n as u64;
            progress(size);
            // Back to the reader; it may have ended already.
            let _ = empty_tx.send(buf);
        }
        drop(empty_tx);
        Ok((hex::encode(h.finalize()), size))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_over_the_limit_is_refused_unread_and_text_must_be_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("huge.json");
        // Sparse: 3 GB without writing them.
        std::fs::File::create(&big)
            .unwrap()
            .set_len(3_000_000_000)
            .unwrap();
        let e = read_limited(&big, 256 << 20, "a sealed dossier")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("is 3000.0 MB; a sealed dossier is at most 256 MB"),
            "{e}"
        );
        let ok = dir.path().join("ok.csv");
        std::fs::write(&ok, b"\xEF\xBB\xBFa,b\n").unwrap();
        assert_eq!(read_text_limited(&ok, 10, "a CSV file").unwrap(), "a,b\n");
        assert!(read_text_limited(&ok, 5, "a CSV file").is_err());
        std::fs::write(&ok, b"caf\xE9,1\n").unwrap();
        let e = read_text_limited(&ok, 100, "a CSV file")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not UTF-8 text (byte 3 is not)"), "{e}");
        std::fs::write(&ok, b"\xFF\xFEa\x00").unwrap();
        let e = read_text_limited(&ok, 100, "a CSV file")
            .unwrap_err()
            .to_string();
        assert!(e.contains("UTF-16"), "{e}");
    }

    #[test]
    fn a_failed_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        write_atomically(&p, |w| w.write_all(b"ok").map_err(|e| Error::io("x", e))).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"ok");
        let q = dir.path().join("bad.json");
        let r: Result<()> = write_atomically(&q, |w| {
            w.write_all(b"half").unwrap();
            Err(Error::invalid("x", "failed"))
        });
        assert!(r.is_err());
        assert!(!q.exists());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "only out.json"
        );
    }

    #[test]
    fn a_file_named_like_the_temporary_one_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        // The old scheme wrote X.partial beside X, over a user's file of that name.
        let mine = dir.path().join("report.partial");
        std::fs::write(&mine, b"the user's own file").unwrap();
        let p = dir.path().join("report.pdf");
        write_atomically(&p, |w| w.write_all(b"pdf").map_err(|e| Error::io("x", e))).unwrap();
        assert_eq!(std::fs::read(&mine).unwrap(), b"the user's own file");
        assert_eq!(std::fs::read(&p).unwrap(), b"pdf");
    }

    #[test]
    fn two_exports_with_one_stem_do_not_collide() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("d.json"), dir.path().join("d.pdf"));
        // Both are open at once: the old scheme gave both d.partial.
        write_atomically(&a, |wa| {
            wa.write_all(b"json").map_err(|e| Error::io("x", e))?;
            write_atomically(&b, |wb| wb.write_all(b"pdf").map_err(|e| Error::io("x", e)))
        })
        .unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"json");
        assert_eq!(std::fs::read(&b).unwrap(), b"pdf");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_private_and_replaced_files_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("new.json");
        write_atomically(&p, |w| w.write_all(b"1").map_err(|e| Error::io("x", e))).unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&p, |w| w.write_all(b"2").map_err(|e| Error::io("x", e))).unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }
}
