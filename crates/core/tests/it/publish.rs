//! Passport pages (docs/spec/passport.md): the coffee chain's roasted lot published;
//! what each page holds, what is withheld, nothing loaded from elsewhere, user data
//! never markup, the linkset. The pages in a real browser: tests/e2e/passport.test.mjs.

use crate::dossier::coffee_home;
use crate::t;
use std::path::Path;
use tradeseal_core::label::{issue, Serials};
use tradeseal_core::publish::{self, Options};

const LOT: &str = "04012345123456/R-2026-031";

fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn issue_labels(
    l: &mut tradeseal_core::ledger::Ledger,
    s: &tradeseal_core::identity::Signer,
) -> issue::Batch {
    issue::issue(
        l,
        s,
        t(20),
        &issue::Request {
            gtin: "04012345123456",
            lot: "R-2026-031",
            serials: Serials::Next(3),
            resolver: "https://id.example.com",
            product: None,
        },
    )
    .unwrap()
}

#[test]
fn the_lot_is_published_with_its_origins_journey_issuer_and_chain() {
    let (d, home, s, mut l) = coffee_home();
    let batch = issue_labels(&mut l, &s);
    // The second label was scanned at a shop: its page says so (a published scan log).
    let mut r = crate::label::check(&batch.labels[1].uri, &l, &home.card().org);
    let at = tradeseal_core::label::sightings::Sighting {
        place: "Shop <Hamburg>",
        source: "photo.jpg",
        time: t(50),
    };
    tradeseal_core::label::sightings::sight(&l, &at, &mut r).unwrap();
    let out = d.path().join("site");
    let p = publish::publish(
        &l,
        home.card(),
        LOT,
        &Options {
            serials: true,
            sightings: true,
            base: Some("https://passport.example.com".into()),
            ..Options::default()
        },
        &out,
    )
    .unwrap();
    assert_eq!(p.serial_pages, 3);
    let lot = out.join("01/04012345123456/10/R-2026-031");
    assert_eq!(p.lot_page, lot.join("index.html"));
    let page = std::fs::read_to_string(&p.lot_page).unwrap();
    for want in [
        "Finca El Mirador",
        "Finca La Esperanza",
        "data-testid=\"map-land\"",
        "<title>Colombia</title>",
        "commissioning",
        home.card().fingerprint.as_str(),
        "href=\"chain.tsbundle\"",
        "Content-Security-Policy",
    ] {
        assert!(page.contains(want), "the lot page lacks {want}");
    }
    // The chain is the lot's bundle, and it verifies.
    let bundle = std::fs::read(lot.join("chain.tsbundle")).unwrap();
    let r = tradeseal_core::bundle::verify(bundle.as_slice(), Some(&l), &mut |_| true).unwrap();
    assert_eq!(
        crate::verdict_word(r.verdict),
        "verified",
        "{:?}",
        r.findings
    );
    // Serial pages carry what their script checks.
    let serial = std::fs::read_to_string(lot.join("21/000002/index.html")).unwrap();
    assert!(serial.contains("\"serial\":\"000002\""));
    assert!(serial.contains(&format!("\"public_key\":\"{}\"", home.card().public_key)));
    assert!(
        serial.contains("<li>Shop &lt;Hamburg&gt; · "),
        "where it was scanned, escaped"
    );
    let unseen = std::fs::read_to_string(lot.join("21/000001/index.html")).unwrap();
    assert!(!unseen.contains("data-testid=\"seen\""));
    // The resolver's linkset (RFC 9264): the lot's Digital Link to its page.
    let ls: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("linkset.json")).unwrap()).unwrap();
    let set = &ls["linkset"][0];
    assert_eq!(
        set["anchor"],
        "https://id.gs1.org/01/04012345123456/10/R-2026-031"
    );
    assert_eq!(
        set["https://gs1.org/voc/pip"][0]["href"],
        "https://passport.example.com/01/04012345123456/10/R-2026-031/"
    );
    assert_eq!(
        set["https://gs1.org/voc/defaultLink"][0]["type"],
        "text/html"
    );
    // Nothing on any page names another site: no remote script, style, image or font.
    for f in files(&out) {
        if f.extension().is_some_and(|e| e == "tsbundle") {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        for bad in [
            "src=\"http",
            "href=\"http",
            "url(http",
            "url(\"http",
            "@import",
            "fetch(",
            "XMLHttpRequest",
        ] {
            assert!(!text.contains(bad), "{} contains {bad}", f.display());
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o644, "{} is readable by the web server", f.display());
        }
    }
    // The page weight without the map's boundaries (the issue's 300 KB).
    let map_start = page.find("<svg class=\"map\"").unwrap();
    let map_end = page[map_start..].find("</svg>").unwrap() + map_start;
    let weight = page.len() - (map_end - map_start)
        + std::fs::metadata(out.join("assets/passport.css"))
            .unwrap()
            .len() as usize
        + std::fs::metadata(out.join("assets/passport.js"))
            .unwrap()
            .len() as usize;
    assert!(weight < 300_000, "{weight} bytes");

    // Published again into the same folder: allowed (a site of this home); into a folder
    // of other files: refused, nothing written.
    publish::publish(&l, home.card(), LOT, &Options::default(), &out).unwrap();
    let other = d.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    let e = publish::publish(&l, home.card(), LOT, &Options::default(), &other).unwrap_err();
    assert!(e.to_string().contains("holds other files"), "{e}");
    assert_eq!(files(&other).len(), 1);
}

#[test]
fn what_the_brand_withholds_is_not_published() {
    let (d, home, s, mut l) = coffee_home();
    // A partner's place the journey passes through, named in master data.
    let roastery = tradeseal_core::masterdata::Location::new(
        "4012345000023",
        "Roastery of Partner GmbH",
        "DE",
        Some("HH"),
        None,
        None,
        &home.codelists().unwrap(),
    )
    .unwrap()
    .entry()
    .unwrap();
    l.append(&s, t(30), &[roastery]).unwrap();
    let open = d.path().join("open");
    publish::publish(&l, home.card(), LOT, &Options::default(), &open).unwrap();
    let page =
        std::fs::read_to_string(open.join("01/04012345123456/10/R-2026-031/index.html")).unwrap();
    assert!(
        page.contains("Roastery of Partner GmbH") && page.contains(" kg"),
        "shown unless withheld"
    );
    let out = d.path().join("site");
    publish::publish(
        &l,
        home.card(),
        LOT,
        &Options {
            hide_partners: true,
            hide_quantities: true,
            ..Options::default()
        },
        &out,
    )
    .unwrap();
    let lot = out.join("01/04012345123456/10/R-2026-031");
    let page = std::fs::read_to_string(lot.join("index.html")).unwrap();
    assert!(
        !lot.join("chain.tsbundle").exists(),
        "the bundle names the partners"
    );
    assert!(!page.contains("chain.tsbundle"));
    assert!(!page.contains(" kg"), "no quantities");
    assert!(page.contains("Finca El Mirador"), "the origins stay");
    assert!(
        !page.contains("Roastery of Partner"),
        "the partner's place withheld"
    );
}

#[test]
fn names_are_text_never_markup_and_unknown_lots_are_refused() {
    let (d, home, s, mut l) = coffee_home();
    let product = tradeseal_core::masterdata::Product::new(
        "04012345123456",
        "<script>alert(1)</script> & \"roast\"",
        None,
        None,
        &home.codelists().unwrap(),
    )
    .unwrap()
    .entry()
    .unwrap();
    l.append(&s, t(30), &[product]).unwrap();
    let out = d.path().join("site");
    publish::publish(&l, home.card(), LOT, &Options::default(), &out).unwrap();
    let page =
        std::fs::read_to_string(out.join("01/04012345123456/10/R-2026-031/index.html")).unwrap();
    assert!(!page.contains("<script>alert"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;roast&quot;"));
    let e = publish::publish(
        &l,
        home.card(),
        "04012345123456/NOPE",
        &Options::default(),
        &d.path().join("x"),
    )
    .unwrap_err();
    assert!(e.to_string().contains("lot 04012345123456/NOPE"), "{e}");
    assert!(!d.path().join("x").exists(), "nothing written");
}
