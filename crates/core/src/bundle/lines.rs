//! Reading a bundle's lines on a thread of their own, so that reading and the file
//! digest overlap the checks: entry lines come in batches, every other line alone with
//! the digest of everything before it (the end record needs it).

use super::format::MAX_LINE;
use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::{BufRead, Read};
use std::sync::mpsc::SyncSender;

pub(super) enum Item {
    /// Consecutive entry lines: `(line number, start, end)` into `data`, the end before
    /// the newline.
    Entries {
        data: Vec<u8>,
        spans: Vec<(u64, usize, usize)>,
    },
    /// Any other line, newline included if it has one.
    Other {
        line: u64,
        bytes: Vec<u8>,
        digest_before: [u8; 32],
    },
    /// A line longer than `MAX_LINE`: reading stopped there.
    TooLong { line: u64 },
}

/// Entry lines per batch.
pub(super) const BATCH: usize = 4096;

/// Reads `r` to its end (or until the receiver hangs up), sending what it finds in order.
pub(super) fn read<R: BufRead>(mut r: R, tx: SyncSender<Result<Item>>) {
    let mut digest = Sha256::new();
    let mut line: u64 = 0;
    let mut data: Vec<u8> = Vec::with_capacity(BATCH * 2048);
    let mut spans = Vec::with_capacity(BATCH);
    macro_rules! flush {
        () => {
            if !spans.is_empty() {
                let item = Item::Entries {
                    data: std::mem::replace(&mut data, Vec::with_capacity(BATCH * 2048)),
                    spans: std::mem::replace(&mut spans, Vec::with_capacity(BATCH)),
                };
                if tx.send(Ok(item)).is_err() {
                    return;
                }
            }
        };
    }
    loop {
        let start = data.len();
        let n = match r
            .by_ref()
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut data)
        {
            Ok(n) => n,
            Err(e) => {
                data.truncate(start);
                flush!();
                let _ = tx.send(Err(Error::io("reading the bundle", e)));
                return;
            }
        };
        if n == 0 {
            flush!();
            return;
        }
        line += 1;
        let bytes = &data[start..];
        if bytes.len() > MAX_LINE {
            data.truncate(start);
            flush!();
            let _ = tx.send(Ok(Item::TooLong { line }));
            return;
        }
        if bytes.last() == Some(&b'\n') && bytes.starts_with(b"{\"author\":") {
            digest.update(bytes);
            spans.push((line, start, data.len() - 1));
            if spans.len() >= BATCH {
                flush!();
            }
            continue;
        }
        let bytes = data.split_off(start);
        flush!();
        let digest_before: [u8; 32] = digest.clone().finalize().into();
        digest.update(&bytes);
        let item = Item::Other {
            line,
            bytes,
            digest_before,
        };
        if tx.send(Ok(item)).is_err() {
            return;
        }
    }
}
