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
    // On the map: the farm's point (3.2 ha stated) and the other's polygon, its area
    // computed (about 6.2 ha), neither in Xinjiang.
    let keys: Vec<String> = origins
        .iter()
        .filter_map(|n| n.created_at.clone())
        .collect();
    let places = tradeseal_core::map::places(&l, &keys).unwrap();
    assert_eq!(places.len(), 2, "{places:?}");
    let polygon = places
        .iter()
        .find(|p| p.name == "Finca La Esperanza")
        .unwrap();
    let ha = polygon.area_ha.unwrap();
    assert!((6.0..6.4).contains(&ha), "{ha}");
    let point = places
        .iter()
        .find(|p| p.name == "Finca El Mirador")
        .unwrap();
    assert_eq!(point.area_ha, Some(3.2));
    assert!(places.iter().all(|p| !p.in_xinjiang && !p.over_4ha));
    let r = verify(&l, None, &mut |_, _| {}).unwrap();
    assert_eq!(r.verdict, Verdict::Intact, "{:?}", r.findings);
}

#[test]
fn the_home_screen_says_what_needs_attention() {
    if runs_once("makes its own home") {
        return;
    }
    use tradeseal_core::attention::attention;
    use tradeseal_core::label::issue::{self, Serials};
    let (_dir, home, signer) = v2_home_of("Acme Coffee Importers (demo)", Some("4012345000009"), 8);
    tradeseal_core::demo::fill(&home, &signer, t(1)).unwrap();
    let lists = home.codelists().unwrap();
    let mut l = home.ledger().unwrap();
    // Nothing yet: no drafts, both partners confirmed, no labels, nothing handed out.
    let a = attention(&l, &lists, t(2)).unwrap();
    assert!(a.drafts.is_empty() && a.unconfirmed.is_empty(), "{a:?}");
    assert_eq!((a.labels_today, a.handed_out), (0, None));
    assert_eq!(a.checkpoint_size, a.entries);

    // An empty draft (errors), a partner's card not yet confirmed, labels issued today,
    // a bundle handed out.
    let d = tradeseal_core::dossier::Dossier::new("D00000000000000ab");
    tradeseal_core::dossier::store::create(&l, &d, t(3)).unwrap();
    let stranger = crate::home_of("Stranger Trading", None, 9).1.card().clone();
    l.append(
        &signer,
        t(4),
        &[tradeseal_core::parties::add_entry(&stranger).unwrap()],
    )
    .unwrap();
    issue::issue(
        &mut l,
        &signer,
        t(5),
        &issue::Request {
            gtin: "04012345123456",
            lot: "R-2026-031",
            serials: Serials::Next(12),
            resolver: "https://id.gs1.org",
            product: None,
        },
    )
    .unwrap();
    tradeseal_core::bundle::export(
        &l,
        home.card(),
        "lot",
        "https://id.gs1.org/01/04012345123456/10/R-2026-031",
        &mut Vec::new(),
    )
    .unwrap();
    let a = attention(&l, &lists, t(6)).unwrap();
    assert_eq!(a.drafts.len(), 1);
    assert!(a.drafts[0].errors > 0);
    assert_eq!(a.unconfirmed.len(), 1);
    assert_eq!(a.unconfirmed[0].org, "Stranger Trading");
    assert_eq!(a.labels_today, 12);
    assert_eq!(a.handed_out, Some(a.checkpoint_size));
    // The next day, today's labels are none.
    let tomorrow =
        tradeseal_core::Timestamp::from_unix_millis(t(6).unix_millis() + 86_400_000).unwrap();
    assert_eq!(attention(&l, &lists, tomorrow).unwrap().labels_today, 0);
}
