//! The demo home: the coffee chain of the README's tour (`assets/demo`), to explore
//! safely. A new home of its own is filled as the tour fills one: the farm's and the
//! cooperative's cards trusted, the cooperative's bundle of the shipment imported, the
//! importer's own events and the master data (products, the farm's two plots with their
//! EUDR facts, the parties) recorded.

use crate::error::Result;
use crate::home::Home;
use crate::identity::Signer;
use crate::masterdata::{Location, Party, Plot, Product};
use crate::parties;
use crate::time::Timestamp;

/// The demo home's passphrase: shown on the screen that opens it (nothing in it is real).
pub const PASSPHRASE: &str = "demo passphrase";
/// The demo organisation.
pub const ORG: &str = "Acme Coffee Importers (demo)";
pub const GLN: &str = "4012345000009";

const FARM_CARD: &str = include_str!("../../../assets/demo/farm.card");
const COOP_CARD: &str = include_str!("../../../assets/demo/coop.card");
const SSCC_BUNDLE: &[u8] = include_bytes!("../../../assets/demo/sscc.tsbundle");
const IMPORTER_EVENTS: &[u8] = include_bytes!("../../../assets/demo/importer.jsonld");

/// Fills the new, empty `home` (unlocked by `signer`) with the coffee chain.
pub fn fill(home: &Home, signer: &Signer, now: Timestamp) -> Result<()> {
    let mut l = home.ledger()?;
    let lists = home.codelists()?;
    let mut trusted = Vec::new();
    for text in [FARM_CARD, COOP_CARD] {
        let card = parties::parse_card(text)?;
        trusted.push(parties::add_entry(&card)?);
        trusted.push(parties::trust_entry(&card.public_key)?);
    }
    l.append(signer, now, &trusted)?;
    crate::bundle::import(
        &mut l,
        signer,
        now,
        || Ok(std::io::Cursor::new(SSCC_BUNDLE)),
        &mut |_| true,
    )?;
    crate::epcis::import(
        &mut l,
        signer,
        now,
        &lists,
        || Ok(IMPORTER_EVENTS),
        false,
        &mut |_| {},
    )?;
    let plot = |area: &str, evidence: Option<&str>| Plot {
        area_ha: Some(area.into()),
        deforestation_free: Some(true),
        evidence: evidence.map(str::to_string),
        deforested_on: None,
    };
    // A place the chain passes through: its name, country and region, nothing more.
    let place = |gln: &str, name: &str, country: &str, region: &str| {
        Location::new(gln, name, country, Some(region), None, None, &lists)?.entry()
    };
    let master = [
        Product::new(
            "07701234000011",
            "Green coffee, washed, Huila",
            Some("0901.11"),
            Some("KGM"),
            &lists,
        )?
        .entry()?,
        Product::new(
            "04012345123456",
            "Roasted coffee, Huila, 500 g",
            Some("0901.21"),
            Some("H87"),
            &lists,
        )?
        .entry()?,
        Location::new(
            "7701234000011",
            "Finca El Mirador",
            "CO",
            Some("HUI"),
            Some("Vereda El Mirador, Pitalito"),
            None,
            &lists,
        )?
        .with_geometry_text(r#"{"type":"Point","coordinates":[-75.934512,2.154873]}"#)?
        .with_plot(plot("3.2", Some("SAT-2025-117")))?
        .entry()?,
        Location::new(
            "7701234000042",
            "Finca La Esperanza",
            "CO",
            Some("HUI"),
            None,
            None,
            &lists,
        )?
        // Over 4 ha: EUDR asks for its boundary, a polygon (about 6.2 ha).
        .with_geometry_text(r#"{"type":"Polygon","coordinates":[[[-76.013400,1.997600],[-76.011300,1.997600],[-76.011300,2.000000],[-76.013400,2.000000],[-76.013400,1.997600]]]}"#)?
        .with_plot(plot("6.2", None))?
        .entry()?,
        place(
            "7701234000028",
            "Cooperativa del Huila, warehouse",
            "CO",
            "HUI",
        )?,
        place(
            "7701234000035",
            "Port of Buenaventura, export terminal",
            "CO",
            "VAC",
        )?,
        place(
            "4012345000016",
            "Acme Coffee Importers, receiving dock",
            "DE",
            "HH",
        )?,
        place(
            "4012345000023",
            "Acme Coffee Importers, roastery",
            "DE",
            "HH",
        )?,
        place("4012345000092", "Acme Coffee shop, Hamburg", "DE", "HH")?,
        Party::new("7701234000004", "Cooperativa del Huila", "CO", &lists)?.entry()?,
        Party::new("4012345000009", "Acme Coffee Importers GmbH", "DE", &lists)?.entry()?,
    ];
    l.append(signer, now, &master)?;
    Ok(())
}
