//! Passing on part of what a partner proved: a multiproof derived for a subset of the
//! proven leaves equals the subset's own multiproof from the whole tree.

use tradeseal_log::merkle::{leaf_hash, multiproof, multiproof_root, sub_multiproof, Levels};
use tradeseal_log::Hash;

#[test]
fn a_sub_multiproof_is_the_subsets_own_multiproof() {
    for size in 1..=13u64 {
        let leaves: Vec<Hash> = (0..size).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let levels = Levels::new(leaves.clone());
        let width = size.min(8);
        for set in 1u32..(1 << width) {
            let idx: Vec<u64> = (0..width).filter(|i| set & (1 << i) != 0).collect();
            let Ok(proof) = multiproof(&levels, size, &idx);
            let carried: Vec<(u64, Hash)> = idx.iter().map(|&i| (i, leaves[i as usize])).collect();
            assert!(multiproof_root(size, &carried, &proof).is_some());
            for sub in 1u32..(1 << idx.len()) {
                let part: Vec<u64> = idx
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| sub & (1 << j) != 0)
                    .map(|(_, &i)| i)
                    .collect();
                let Ok(want) = multiproof(&levels, size, &part);
                assert_eq!(
                    sub_multiproof(size, &carried, &proof, &part),
                    Some(want),
                    "{size} {idx:?} {part:?}"
                );
            }
            // A leaf that was not proven: nothing derived.
            if let Some(outside) = (0..size).find(|i| !idx.contains(i)) {
                assert_eq!(sub_multiproof(size, &carried, &proof, &[outside]), None);
            }
            // A proof one hash short: nothing derived.
            if !proof.is_empty() {
                assert_eq!(sub_multiproof(size, &carried, &proof[1..], &idx), None);
            }
        }
    }
}
