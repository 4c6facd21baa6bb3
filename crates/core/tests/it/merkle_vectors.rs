//! RFC 9162 proofs against independently computed vectors (tests/vectors/merkle).

use base64::{engine::general_purpose::STANDARD as B64, Engine};
use serde_json::Value;
use std::path::PathBuf;
use tradeseal_core::merkle::{self, Frontier, NodeSource};
use tradeseal_core::Hash;

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/merkle")
}

fn b64(v: &Value) -> Vec<u8> {
    B64.decode(v.as_str().unwrap()).unwrap()
}

fn h(v: &Value) -> Hash {
    Hash::from_slice(&b64(v)).unwrap_or(Hash::ZERO)
}

/// Perfect-subtree source over leaves in memory, computed naively from the definition.
struct Mem(Vec<Hash>);
impl NodeSource for Mem {
    type Error = ();
    fn node(&self, level: u32, index: u64) -> Result<Hash, ()> {
        let n = 1usize << level;
        let s = index as usize * n;
        Ok(merkle::root_of_leaf_hashes(&self.0[s..s + n]))
    }
}

fn reference_tree() -> (Vec<Hash>, Vec<Hash>) {
    let v: Value =
        serde_json::from_slice(&std::fs::read(vectors().join("rfc6962-tree.json")).unwrap())
            .unwrap();
    let leaves = v["leaves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| merkle::leaf_hash(&hex::decode(l.as_str().unwrap()).unwrap()))
        .collect();
    let roots = v["roots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| Hash::from_hex(r.as_str().unwrap()).unwrap())
        .collect();
    (leaves, roots)
}

#[test]
fn roots_of_the_reference_tree_match_for_every_size() {
    let (leaves, roots) = reference_tree();
    for n in 1..=8 {
        assert_eq!(
            merkle::root_of_leaf_hashes(&leaves[..n]),
            roots[n - 1],
            "size {n}"
        );
        let mut f = Frontier::default();
        for l in &leaves[..n] {
            f.push(*l, |_, _, _| {});
        }
        assert_eq!(f.root(), roots[n - 1], "frontier, size {n}");
    }
    assert_eq!(
        merkle::empty_root().to_hex(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn inclusion_vectors_pass_and_fail_as_published() {
    for f in std::fs::read_dir(vectors().join("inclusion")).unwrap() {
        let path = f.unwrap().path();
        let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let proof: Vec<Hash> = v["proof"].as_array().unwrap().iter().map(h).collect();
        let ok = merkle::verify_inclusion(
            &h(&v["leafHash"]),
            v["leafIdx"].as_u64().unwrap(),
            v["treeSize"].as_u64().unwrap(),
            &proof,
            &h(&v["root"]),
        );
        assert_eq!(ok, !v["wantErr"].as_bool().unwrap(), "{}", path.display());
        let name = path.file_name().unwrap().to_str().unwrap();
        assert_eq!(name.starts_with("fail_"), !ok, "{name}");
    }
}

#[test]
fn consistency_vectors_pass_and_fail_as_published() {
    let (leaves, _) = reference_tree();
    for f in std::fs::read_dir(vectors().join("consistency")).unwrap() {
        let path = f.unwrap().path();
        let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let proof: Vec<Hash> = v["proof"].as_array().unwrap().iter().map(h).collect();
        let (m, n) = (v["size1"].as_u64().unwrap(), v["size2"].as_u64().unwrap());
        let ok = merkle::verify_consistency(m, n, &h(&v["root1"]), &h(&v["root2"]), &proof);
        assert_eq!(ok, !v["wantErr"].as_bool().unwrap(), "{}", path.display());
        if ok {
            // Our prover must produce exactly the published proof.
            let mine =
                merkle::consistency_proof(&Mem(leaves[..n as usize].to_vec()), m, n).unwrap();
            assert_eq!(mine, proof, "{}", path.display());
        }
    }
}

#[test]
fn generated_proofs_verify_and_every_mutation_fails() {
    let leaves: Vec<Hash> = (0..70u32)
        .map(|i| merkle::leaf_hash(&i.to_be_bytes()))
        .collect();
    for n in 1..=leaves.len() as u64 {
        let src = Mem(leaves[..n as usize].to_vec());
        let root = merkle::root_of_leaf_hashes(&src.0);
        for i in 0..n {
            let p = merkle::inclusion_proof(&src, i, n).unwrap();
            assert_eq!(merkle::inclusion_proof_len(i, n), p.len(), "length {i}/{n}");
            assert!(
                merkle::verify_inclusion(&leaves[i as usize], i, n, &p, &root),
                "inclusion {i}/{n}"
            );
            if i + 1 < n {
                assert!(!merkle::verify_inclusion(
                    &leaves[i as usize],
                    i + 1,
                    n,
                    &p,
                    &root
                ));
            }
            if let Some(first) = p.first() {
                let mut bad = p.clone();
                bad[0].0[0] ^= 1;
                assert!(!merkle::verify_inclusion(
                    &leaves[i as usize],
                    i,
                    n,
                    &bad,
                    &root
                ));
                let mut longer = p.clone();
                longer.push(*first);
                assert!(!merkle::verify_inclusion(
                    &leaves[i as usize],
                    i,
                    n,
                    &longer,
                    &root
                ));
            }
        }
        for m in 1..=n {
            let old_root = merkle::root_of_leaf_hashes(&leaves[..m as usize]);
            let p = if m == n {
                vec![]
            } else {
                merkle::consistency_proof(&src, m, n).unwrap()
            };
            assert!(
                merkle::verify_consistency(m, n, &old_root, &root, &p),
                "consistency {m}/{n}"
            );
            if !p.is_empty() {
                let mut bad = p.clone();
                let last = bad.len() - 1;
                bad[last].0[31] ^= 0x80;
                assert!(!merkle::verify_consistency(m, n, &old_root, &root, &bad));
                assert!(!merkle::verify_consistency(m, n, &root, &old_root, &p) || m == n);
            }
        }
    }
}

/// Multiproofs (ledger.md §10.1) of every kind of selection in trees of 1 to 70
/// leaves: they rebuild the root the leaves give, one leaf's is its inclusion path,
/// a run's is short, and any change to a leaf, an index or the proof is refused.
#[test]
fn multiproofs_prove_any_selection_and_nothing_else() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut rand = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for n in 1..=70u64 {
        let leaves: Vec<Hash> = (0..n)
            .map(|i| merkle::leaf_hash(&i.to_be_bytes()))
            .collect();
        let root = merkle::root_of_leaf_hashes(&leaves);
        let levels = merkle::Levels::new(leaves.clone());
        let mem = Mem(leaves.clone());
        let mut sets: Vec<Vec<u64>> = vec![(0..n).collect(), vec![0], vec![n - 1]];
        for _ in 0..12 {
            let mut s: Vec<u64> = (0..n).filter(|_| rand() % 4 == 0).collect();
            if s.is_empty() {
                s.push(rand() % n);
            }
            sets.push(s);
            let a = rand() % n;
            let b = a + 1 + rand() % (n - a);
            sets.push((a..b).collect());
        }
        for set in sets {
            let proof = merkle::multiproof(&levels, n, &set).unwrap();
            assert_eq!(proof, merkle::multiproof(&mem, n, &set).unwrap());
            let with: Vec<(u64, Hash)> = set.iter().map(|&i| (i, leaves[i as usize])).collect();
            assert_eq!(
                merkle::multiproof_root(n, &with, &proof),
                Some(root),
                "n={n} {set:?}"
            );
            if set.len() == 1 {
                let mut path = merkle::inclusion_proof(&mem, set[0], n).unwrap();
                let mut sorted = proof.clone();
                path.sort();
                sorted.sort();
                assert_eq!(sorted, path, "one leaf: its inclusion path");
            }
            if set.len() as u64 == set[set.len() - 1] - set[0] + 1 {
                let bound = 2 * (64 - n.leading_zeros()) as usize;
                assert!(proof.len() <= bound, "a run: {} hashes, n={n}", proof.len());
            }
            // A changed leaf, a shifted index, a hash short or over: refused.
            let mut bad = with.clone();
            bad[0].1 = merkle::leaf_hash(b"forged");
            assert_ne!(merkle::multiproof_root(n, &bad, &proof), Some(root));
            if with[0].0 > 0 {
                let mut moved = with.clone();
                moved[0].0 -= 1;
                assert_ne!(merkle::multiproof_root(n, &moved, &proof), Some(root));
            }
            let mut longer = proof.clone();
            longer.push(Hash::ZERO);
            assert_eq!(merkle::multiproof_root(n, &with, &longer), None);
            if !proof.is_empty() {
                assert_eq!(merkle::multiproof_root(n, &with, &proof[1..]), None);
            }
        }
        assert_eq!(merkle::multiproof_root(n, &[], &[root]), None, "no leaves");
        assert_eq!(
            merkle::multiproof_root(n, &[(n, leaves[0])], &[]),
            None,
            "index past the end"
        );
    }
}
