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

/// The SHA-256 of a file, hex, read in a stream.
pub fn sha256_of(path: &Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut f = std::fs::File::open(path)
        .map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = std::io::Read::read(&mut f, &mut buf)
            .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
