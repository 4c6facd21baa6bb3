//! Writing exports safely: beside the target, flushed to disk, then renamed into place,
//! so that a failed or interrupted export never leaves half a file under the name.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

/// Writes `path` with `write`, all or nothing; returns what `write` returns.
pub fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    let tmp = path.with_extension("partial");
    let file = std::fs::File::create(&tmp)
        .map_err(|e| Error::io(format!("creating {}", tmp.display()), e))?;
    let mut w = std::io::BufWriter::new(file);
    let done = write(&mut w).and_then(|v| {
        let file = w
            .into_inner()
            .map_err(|e| Error::io(format!("writing {}", path.display()), e.into_error()))?;
        file.sync_all()
            .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
        std::fs::rename(&tmp, path)
            .map_err(|e| Error::io(format!("saving {}", path.display()), e))?;
        Ok(v)
    });
    if done.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    done
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
        assert!(!q.exists() && !q.with_extension("partial").exists());
    }
}
