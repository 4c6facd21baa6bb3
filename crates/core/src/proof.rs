//! Inclusion and consistency proofs against the ledger's latest signed checkpoint.

use crate::checkpoint::Checkpoint;
use crate::entry::Entry;
use crate::error::{Error, Result};
use crate::hash::Hash;
use crate::ledger::Ledger;
use crate::merkle::{self, NodeSource};
use serde::Serialize;
use ts_rs::TS;

/// Entry `seq` is leaf `seq` of the tree the checkpoint signs (RFC 9162 2.1.3).
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct InclusionProof {
    #[ts(type = "number")]
    pub seq: u64,
    #[ts(type = "number")]
    pub size: u64,
    pub entry_hash: String,
    pub leaf_hash: String,
    pub root: String,
    /// Sibling hashes from the leaf up, lowercase hex.
    pub path: Vec<String>,
    pub checkpoint: String,
}

/// The tree of `old_size` entries is a prefix of the checkpoint's tree (RFC 9162 2.1.4).
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct ConsistencyProof {
    #[ts(type = "number")]
    pub old_size: u64,
    pub old_root: String,
    #[ts(type = "number")]
    pub new_size: u64,
    pub new_root: String,
    pub path: Vec<String>,
    pub checkpoint: String,
}

fn hexes(v: &[Hash]) -> Vec<String> {
    v.iter().map(Hash::to_hex).collect()
}

pub fn inclusion(ledger: &Ledger, seq: u64) -> Result<InclusionProof> {
    if ledger.size()? == 0 {
        // A version 2 ledger has no checkpoint before its first commit: say what is
        // missing, the entry.
        return Err(Error::NotFound {
            what: format!("entry {seq}"),
            hint: "the ledger has no entries yet".into(),
        });
    }
    let (cp, note) = ledger.checkpoint()?;
    if seq >= cp.size {
        let hint = match cp.size {
            0 => "the ledger has no entries yet".to_string(),
            n => format!("the latest checkpoint covers entries 0 to {}", n - 1),
        };
        return Err(Error::NotFound {
            what: format!("entry {seq}"),
            hint,
        });
    }
    let hash = ledger.entry_hash(seq)?;
    let leaf = merkle::leaf_hash(&hash.0);
    let path = path_in(&ledger.nodes(), seq, &leaf, &cp)?;
    Ok(InclusionProof {
        seq,
        size: cp.size,
        entry_hash: hash.to_hex(),
        leaf_hash: leaf.to_hex(),
        root: cp.root.to_hex(),
        path: hexes(&path),
        checkpoint: note,
    })
}

/// The inclusion path (hex, leaf first) of `entry` in the tree the already opened
/// checkpoint `cp` signs, its nodes read from `nodes`: for many proofs against one
/// checkpoint (with a `merkle::Memo` of the ledger's nodes).
pub fn inclusion_in<S: NodeSource<Error = Error>>(
    nodes: &S,
    entry: &Entry,
    cp: &Checkpoint,
) -> Result<Vec<String>> {
    let seq = entry.body.seq;
    if seq >= cp.size {
        return Err(Error::NotFound {
            what: format!("entry {seq}"),
            hint: format!("the latest checkpoint covers {} entries", cp.size),
        });
    }
    Ok(hexes(&path_in(nodes, seq, &entry.leaf_hash(), cp)?))
}

/// The path of leaf `seq`, checked against the checkpoint before it is handed out.
fn path_in<S: NodeSource<Error = Error>>(
    nodes: &S,
    seq: u64,
    leaf: &Hash,
    cp: &Checkpoint,
) -> Result<Vec<Hash>> {
    let path = merkle::inclusion_proof(nodes, seq, cp.size)?;
    if !merkle::verify_inclusion(leaf, seq, cp.size, &path, &cp.root) {
        return Err(Error::invalid(
            "ledger",
            format!("entry {seq} does not prove against the checkpoint: run `tradeseal verify`"),
        ));
    }
    Ok(path)
}

pub fn consistency(ledger: &Ledger, old_size: u64) -> Result<ConsistencyProof> {
    let (cp, note) = ledger.checkpoint()?;
    if old_size == 0 || old_size > cp.size {
        return Err(Error::invalid(
            "old-size",
            format!("must be between 1 and the checkpoint's size {}", cp.size),
        ));
    }
    let nodes = ledger.nodes();
    let old_root = merkle::range_hash(&nodes, 0, old_size)?;
    let path = if old_size == cp.size {
        Vec::new()
    } else {
        merkle::consistency_proof(&nodes, old_size, cp.size)?
    };
    if !merkle::verify_consistency(old_size, cp.size, &old_root, &cp.root, &path) {
        return Err(Error::invalid(
            "ledger",
            "the stored tree is inconsistent: run `tradeseal verify`",
        ));
    }
    Ok(ConsistencyProof {
        old_size,
        old_root: old_root.to_hex(),
        new_size: cp.size,
        new_root: cp.root.to_hex(),
        path: hexes(&path),
        checkpoint: note,
    })
}
