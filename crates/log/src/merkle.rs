//! RFC 9162 Merkle tree hashing, inclusion and consistency proofs, and their verification.
//!
//! Nodes are fetched through [`NodeSource`], which only ever has to answer for *perfect*
//! subtrees (`2^level` leaves starting at `index * 2^level`); that is what the ledger stores.

use crate::hash::Hash;

pub fn leaf_hash(leaf: &[u8]) -> Hash {
    Hash::of_parts(&[&[0x00], leaf])
}

pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    Hash::of_parts(&[&[0x01], &left.0, &right.0])
}

/// The hash of an empty tree: SHA-256 of the empty string.
pub fn empty_root() -> Hash {
    Hash::of(b"")
}

/// Root over leaf hashes, level by level; an unpaired last node moves up unchanged,
/// which gives exactly RFC 9162's split at the largest power of two.
pub fn root_of_leaf_hashes(leaves: &[Hash]) -> Hash {
    if leaves.is_empty() {
        return empty_root();
    }
    let mut level: Vec<Hash> = leaves.to_vec();
    while level.len() > 1 {
        level = next_level(&level);
    }
    level[0]
}

/// The next level up; pairs only (an odd last node is *not* carried), as stored.
pub fn pair_up(level: &[Hash]) -> Vec<Hash> {
    level
        .chunks_exact(2)
        .map(|p| node_hash(&p[0], &p[1]))
        .collect()
}

fn next_level(level: &[Hash]) -> Vec<Hash> {
    let mut up = pair_up(level);
    if level.len() % 2 == 1 {
        up.push(level[level.len() - 1]);
    }
    up
}

/// Where proofs get node hashes from.
pub trait NodeSource {
    type Error;
    /// The root of the perfect subtree of `2^level` leaves starting at leaf `index << level`.
    fn node(&self, level: u32, index: u64) -> Result<Hash, Self::Error>;
}

/// A node source that keeps the nodes it has read: many proofs against one tree
/// share their upper nodes.
pub struct Memo<S> {
    src: S,
    seen: std::cell::RefCell<std::collections::HashMap<(u32, u64), Hash>>,
}

impl<S: NodeSource> Memo<S> {
    pub fn new(src: S) -> Self {
        Memo {
            src,
            seen: Default::default(),
        }
    }
}

impl<S: NodeSource> NodeSource for Memo<S> {
    type Error = S::Error;
    fn node(&self, level: u32, index: u64) -> Result<Hash, S::Error> {
        if let Some(h) = self.seen.borrow().get(&(level, index)) {
            return Ok(*h);
        }
        let h = self.src.node(level, index)?;
        self.seen.borrow_mut().insert((level, index), h);
        Ok(h)
    }
}

fn largest_pow2_below(n: u64) -> u64 {
    debug_assert!(n > 1);
    1 << (63 - (n - 1).leading_zeros())
}

/// MTH(D[start..end]) built from perfect subtrees.
pub fn range_hash<S: NodeSource>(src: &S, start: u64, end: u64) -> Result<Hash, S::Error> {
    let n = end - start;
    debug_assert!(n > 0);
    if n.is_power_of_two() && start.is_multiple_of(n) {
        return src.node(n.trailing_zeros(), start / n);
    }
    let k = largest_pow2_below(n);
    let l = range_hash(src, start, start + k)?;
    let r = range_hash(src, start + k, end)?;
    Ok(node_hash(&l, &r))
}

/// A multiproof (ledger.md §10.1) of the leaves at `indices` (strictly increasing,
/// each below `size`) in the tree of `size` leaves: the hashes of the subtrees of
/// RFC 9162's decomposition that hold none of them, left to right.
pub fn multiproof<S: NodeSource>(
    src: &S,
    size: u64,
    indices: &[u64],
) -> Result<Vec<Hash>, S::Error> {
    fn walk<S: NodeSource>(
        src: &S,
        lo: u64,
        hi: u64,
        idx: &[u64],
        out: &mut Vec<Hash>,
    ) -> Result<(), S::Error> {
        if idx.is_empty() {
            out.push(range_hash(src, lo, hi)?);
            return Ok(());
        }
        if hi - lo == 1 {
            return Ok(());
        }
        let k = largest_pow2_below(hi - lo);
        let split = idx.partition_point(|&i| i < lo + k);
        walk(src, lo, lo + k, &idx[..split], out)?;
        walk(src, lo + k, hi, &idx[split..], out)
    }
    debug_assert!(indices.windows(2).all(|w| w[0] < w[1]));
    debug_assert!(indices.last().is_none_or(|&i| i < size));
    let mut out = Vec::new();
    if size > 0 {
        walk(src, 0, size, indices, &mut out)?;
    }
    Ok(out)
}

/// The root that `leaves` (`(index, leaf hash)`, indices strictly increasing and below
/// `size`, at least one) and the multiproof `proof` give for a tree of `size` leaves;
/// `None` when the indices are not so, or the proof has too few or too many hashes.
/// Compare the result with the signed root.
pub fn multiproof_root(size: u64, leaves: &[(u64, Hash)], proof: &[Hash]) -> Option<Hash> {
    fn walk(
        lo: u64,
        hi: u64,
        leaves: &[(u64, Hash)],
        proof: &mut std::slice::Iter<'_, Hash>,
    ) -> Option<Hash> {
        if leaves.is_empty() {
            return proof.next().copied();
        }
        if hi - lo == 1 {
            return Some(leaves[0].1);
        }
        let k = largest_pow2_below(hi - lo);
        let split = leaves.partition_point(|&(i, _)| i < lo + k);
        let l = walk(lo, lo + k, &leaves[..split], proof)?;
        let r = walk(lo + k, hi, &leaves[split..], proof)?;
        Some(node_hash(&l, &r))
    }
    if leaves.is_empty() || leaves.last()?.0 >= size || !leaves.windows(2).all(|w| w[0].0 < w[1].0)
    {
        return None;
    }
    let mut it = proof.iter();
    let root = walk(0, size, leaves, &mut it)?;
    it.next().is_none().then_some(root)
}

/// A multiproof of `subset` (sorted, a subset of the leaves' indices) derived from a
/// multiproof of `leaves` alone, without the rest of the tree: every range the subset's
/// proof needs is one the first proof's recursion computed, since both split the tree
/// the same way. For passing on part of what a partner proved. `None` when `proof` does
/// not check out, or `subset` is not within `leaves`.
pub fn sub_multiproof(
    size: u64,
    leaves: &[(u64, Hash)],
    proof: &[Hash],
    subset: &[u64],
) -> Option<Vec<Hash>> {
    use std::collections::HashMap;
    fn known(
        lo: u64,
        hi: u64,
        leaves: &[(u64, Hash)],
        proof: &mut std::slice::Iter<'_, Hash>,
        memo: &mut HashMap<(u64, u64), Hash>,
    ) -> Option<Hash> {
        let h = if leaves.is_empty() {
            *proof.next()?
        } else if hi - lo == 1 {
            leaves[0].1
        } else {
            let k = largest_pow2_below(hi - lo);
            let split = leaves.partition_point(|&(i, _)| i < lo + k);
            let l = known(lo, lo + k, &leaves[..split], proof, memo)?;
            let r = known(lo + k, hi, &leaves[split..], proof, memo)?;
            node_hash(&l, &r)
        };
        memo.insert((lo, hi), h);
        Some(h)
    }
    fn take(
        lo: u64,
        hi: u64,
        idx: &[u64],
        memo: &HashMap<(u64, u64), Hash>,
        out: &mut Vec<Hash>,
    ) -> Option<()> {
        if idx.is_empty() {
            out.push(*memo.get(&(lo, hi))?);
            return Some(());
        }
        if hi - lo == 1 {
            return Some(());
        }
        let k = largest_pow2_below(hi - lo);
        let split = idx.partition_point(|&i| i < lo + k);
        take(lo, lo + k, &idx[..split], memo, out)?;
        take(lo + k, hi, &idx[split..], memo, out)
    }
    multiproof_root(size, leaves, proof)?;
    if !subset.windows(2).all(|w| w[0] < w[1])
        || !subset
            .iter()
            .all(|i| leaves.binary_search_by_key(i, |(j, _)| *j).is_ok())
    {
        return None;
    }
    let mut memo = HashMap::new();
    known(0, size, leaves, &mut proof.iter(), &mut memo)?;
    let mut out = Vec::new();
    if size > 0 {
        take(0, size, subset, &memo, &mut out)?;
    }
    Some(out)
}

/// The perfect subtrees of a list of leaf hashes held in memory (every level built
/// once): for proofs within one commit's own tree.
pub struct Levels(Vec<Vec<Hash>>);

impl Levels {
    pub fn new(leaves: Vec<Hash>) -> Levels {
        let mut levels = vec![leaves];
        while levels.last().expect("one level").len() > 1 {
            let up = pair_up(levels.last().expect("one level"));
            levels.push(up);
        }
        Levels(levels)
    }
}

impl NodeSource for Levels {
    type Error = std::convert::Infallible;
    fn node(&self, level: u32, index: u64) -> Result<Hash, Self::Error> {
        Ok(self.0[level as usize][index as usize])
    }
}

/// RFC 9162 2.1.3.1 PATH(m, D[0:n]), leaf first.
pub fn inclusion_proof<S: NodeSource>(
    src: &S,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, S::Error> {
    assert!(index < size, "caller checks the index");
    let mut out = Vec::new();
    path(src, index, 0, size, &mut out)?;
    Ok(out)
}

fn path<S: NodeSource>(
    src: &S,
    m: u64,
    start: u64,
    end: u64,
    out: &mut Vec<Hash>,
) -> Result<(), S::Error> {
    let n = end - start;
    if n <= 1 {
        return Ok(());
    }
    let k = largest_pow2_below(n);
    if m < k {
        path(src, m, start, start + k, out)?;
        out.push(range_hash(src, start + k, end)?);
    } else {
        path(src, m - k, start + k, end, out)?;
        out.push(range_hash(src, start, start + k)?);
    }
    Ok(())
}

/// RFC 9162 2.1.4.1 PROOF(m, D[0:n]).
pub fn consistency_proof<S: NodeSource>(
    src: &S,
    old: u64,
    new: u64,
) -> Result<Vec<Hash>, S::Error> {
    assert!(0 < old && old <= new, "caller checks the sizes");
    let mut out = Vec::new();
    subproof(src, old, 0, new, true, &mut out)?;
    Ok(out)
}

fn subproof<S: NodeSource>(
    src: &S,
    m: u64,
    start: u64,
    end: u64,
    whole: bool,
    out: &mut Vec<Hash>,
) -> Result<(), S::Error> {
    let n = end - start;
    if m == n {
        if !whole {
            out.push(range_hash(src, start, end)?);
        }
        return Ok(());
    }
    let k = largest_pow2_below(n);
    if m <= k {
        subproof(src, m, start, start + k, whole, out)?;
        out.push(range_hash(src, start + k, end)?);
    } else {
        subproof(src, m - k, start + k, end, false, out)?;
        out.push(range_hash(src, start, start + k)?);
    }
    Ok(())
}

/// How many hashes the RFC 9162 inclusion proof of leaf `index` in a tree of `size`
/// leaves holds (the steps `verify_inclusion` takes before reaching the root).
pub fn inclusion_proof_len(index: u64, size: u64) -> usize {
    if index >= size {
        return 0;
    }
    let (mut fnode, mut snode, mut n) = (index, size - 1, 0);
    while snode != 0 {
        if fnode & 1 == 0 && fnode == snode {
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        }
        fnode >>= 1;
        snode >>= 1;
        n += 1;
    }
    n
}

/// RFC 9162 2.1.3.2: does `proof` show leaf `index` with hash `leaf` in the tree `(size, root)`?
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if snode == 0 {
            return false;
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    snode == 0 && r == *root
}

/// RFC 9162 2.1.4.2: does `proof` show the tree `(old, old_root)` is a prefix of `(new, new_root)`?
pub fn verify_consistency(
    old: u64,
    new: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> bool {
    if old > new {
        return false;
    }
    if old == new {
        return proof.is_empty() && old_root == new_root;
    }
    if old == 0 {
        // Every tree extends the empty one; RFC 9162 has no proof for it.
        return proof.is_empty();
    }
    let mut proof: Vec<Hash> = proof.to_vec();
    if old.is_power_of_two() {
        proof.insert(0, *old_root);
    }
    let Some((first, rest)) = proof.split_first() else {
        return false;
    };
    let (mut fnode, mut snode) = (old - 1, new - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if snode == 0 {
            return false;
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    snode == 0 && fr == *old_root && sr == *new_root
}

/// The right edge of a tree: roots of its perfect subtrees, largest first. Appending
/// a leaf touches O(log n) of them and names every new perfect node it completes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    /// (level, hash) from the left; levels strictly decreasing.
    nodes: Vec<(u32, Hash)>,
}

impl Frontier {
    /// Rebuilds the frontier of a tree of `size` leaves from stored perfect subtrees.
    pub fn load<S: NodeSource>(src: &S, size: u64) -> Result<Frontier, S::Error> {
        let mut nodes = Vec::new();
        let mut start = 0u64;
        for level in (0..64u32).rev() {
            if size & (1 << level) != 0 {
                nodes.push((level, src.node(level, start >> level)?));
                start += 1 << level;
            }
        }
        Ok(Frontier { size, nodes })
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Adds a leaf; calls `completed(level, index, hash)` for every perfect node of
    /// level >= 1 the leaf completes.
    pub fn push(&mut self, leaf: Hash, mut completed: impl FnMut(u32, u64, Hash)) {
        let mut cur = (0u32, leaf);
        let end = self.size + 1; // leaves covered once this one is in
        while let Some(&(level, left)) = self.nodes.last() {
            if level != cur.0 {
                break;
            }
            self.nodes.pop();
            let h = node_hash(&left, &cur.1);
            let up = level + 1;
            completed(up, (end >> up) - 1, h);
            cur = (up, h);
        }
        self.nodes.push(cur);
        self.size += 1;
    }

    pub fn root(&self) -> Hash {
        let mut it = self.nodes.iter().rev();
        let Some(&(_, mut acc)) = it.next() else {
            return empty_root();
        };
        for (_, left) in it {
            acc = node_hash(left, &acc);
        }
        acc
    }
}
