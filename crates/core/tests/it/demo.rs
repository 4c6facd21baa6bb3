//! The demo home: the README tour's coffee chain, filled into a new home that verifies.

use crate::{runs_once, t, v2_home_of};
use tradeseal_core::trace::{self, Direction};
use tradeseal_core::verify::{verify, Verdict};

#[test]
fn the_demo_home_holds_the_coffee_chain_named_and_verified() {
    if runs_once("makes its own home") {
        return;
    }
    let (_dir, home, signer) = v2_home_of("Acme Coffee Importers (demo)", Some("4012345000009"), 7);
    tradeseal_core::demo::fill(&home, &signer, t(1)).unwrap();
    let l = home.ledger().unwrap();
    // Both partners trusted; their shipment and the importer's events recorded.
    let parties = tradeseal_core::parties::list(&l).unwrap();
    assert_eq!(parties.len(), 2);
    assert!(
        parties
            .iter()
            .all(|p| format!("{:?}", p.status).to_lowercase().contains("trusted")),
        "{parties:?}"
    );
    let back = trace::trace(
        &l,
        "https://id.gs1.org/01/04012345123456/10/R-2026-031",
        Direction::Back,
    )
    .unwrap();
    let origins: Vec<_> = back.nodes.iter().filter(|n| n.origin).collect();
    assert_eq!(origins.len(), 2, "{:?}", back.nodes);
    // Every place and product by its name.
    for n in &origins {
        assert_eq!(
            n.product_name.as_deref(),
            Some("Green coffee, washed, Huila")
        );
        let place = trace::location_name(&l, n.created_at.as_deref().unwrap()).unwrap();
        assert!(
            matches!(
                place.as_deref(),
                Some("Finca El Mirador") | Some("Finca La Esperanza")
            ),
            "{place:?}"
        );
    }
    let r = verify(&l, None, &mut |_, _| {}).unwrap();
    assert_eq!(r.verdict, Verdict::Intact, "{:?}", r.findings);
}
