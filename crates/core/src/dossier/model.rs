//! The dossier document (docs/spec/dossier.md): what a customs declaration needs, with
//! the data elements' names a broker knows from the WCO Data Model, the EU UCC and the
//! US CBP 7501. Every field a draft may still lack is optional here; `checks` says
//! which ones a declaration requires. Amounts, masses and rates are decimal strings,
//! never floats.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const DOSSIER_FORMAT: &str = "tradeseal-dossier/1";

macro_rules! doc_struct {
    ($(#[$m:meta])* pub struct $name:ident { $($(#[$fm:meta])* pub $f:ident : $t:ty,)* }) => {
        $(#[$m])*
        #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
        #[serde(deny_unknown_fields)]
        #[ts(export_to = "bindings.ts")]
        pub struct $name { $($(#[$fm])* pub $f: $t,)* }
    };
}

doc_struct! {
/// One declaration's dossier, as sealed. `status` is not part of it: it is the
/// store's (draft, sealed, superseded), and a sealed dossier never changes.
pub struct Dossier {
    /// `tradeseal-dossier/1`.
    pub format: String,
    /// Stable across versions: `D` and 16 lowercase hex digits.
    pub id: String,
    /// 1 for the first sealed version; a correction is the next number.
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub supersedes: Option<Supersedes>,
    #[serde(default)]
    pub header: Header,
    #[serde(default)]
    pub parties: Parties,
    #[serde(default)]
    pub transport: Transport,
    #[serde(default)]
    pub valuation: Valuation,
    #[serde(default)]
    pub lines: Vec<GoodsLine>,
    #[serde(default)]
    pub documents: Vec<Document>,
}
}

doc_struct! {
/// The sealed version a correction replaces, by its Merkle root.
pub struct Supersedes {
    pub version: u32,
    pub root: String,
}
}

doc_struct! {
pub struct Header {
    /// Declaration type: EU box 1 (`EX`, `IM`, `CO`, `EU`, with an optional second
    /// letter `A`..`Z`) or a CBP entry type (two digits, e.g. `01`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub declaration_type: Option<String>,
    /// Procedure: EU requested and previous procedure (4 digits, e.g. `1000`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub procedure: Option<String>,
    /// EU additional procedure codes (3 characters each).
    #[serde(default)]
    pub additional_procedures: Vec<String>,
    /// Local reference number: up to 22 characters, A-Z 0-9 and `-`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub lrn: Option<String>,
    /// CBP entry number (filer code, 7 digits, check digit: `ABC-1234567-8`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub entry_number: Option<String>,
    /// YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub declaration_date: Option<String>,
    #[serde(default)]
    pub offices: Offices,
    /// Total number of packages declared (EU 18 06, SAD box 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub total_packages: Option<u64>,
    /// Total gross mass in kg.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub total_gross_mass_kg: Option<String>,
}
}

doc_struct! {
/// Customs offices (EU: two-letter country and six characters, e.g. `DE004700`; US:
/// a four-digit port code).
pub struct Offices {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub declaration: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub exit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub entry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub destination: Option<String>,
}
}

doc_struct! {
pub struct Parties {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub exporter: Option<DossierParty>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub consignee: Option<DossierParty>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub declarant: Option<DossierParty>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub representative: Option<DossierParty>,
}
}

doc_struct! {
pub struct DossierParty {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub street: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub postcode: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub eori: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub gln: Option<String>,
    /// Other identifiers (`scheme`: e.g. `IRS`, `CBP-importer`, `VAT`).
    #[serde(default)]
    pub ids: Vec<PartyId>,
}
}

doc_struct! {
pub struct PartyId {
    #[serde(default)]
    pub scheme: String,
    #[serde(default)]
    pub id: String,
}
}

doc_struct! {
pub struct Transport {
    /// UN/ECE Recommendation 19 mode code (`1` sea .. `9`), at the border.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub mode_at_border: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub mode_inland: Option<String>,
    /// The means of transport (vessel name or IMO number, flight number, plate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub means: Option<String>,
    /// ISO 3166-1 alpha-2 nationality of the means at the border.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub means_nationality: Option<String>,
    /// Bill of lading or air waybill number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub transport_document: Option<String>,
    #[serde(default)]
    pub containers: Vec<Container>,
    /// UN/LOCODE (`DEHAM`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub loading_place: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub unloading_place: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub dispatch_country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub destination_country: Option<String>,
}
}

doc_struct! {
pub struct Container {
    /// ISO 6346: owner code, category, serial, check digit (`CSQU3054383`).
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub seals: Vec<String>,
}
}

doc_struct! {
pub struct Valuation {
    /// Incoterms 2020 rule (`FOB`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub incoterm: Option<String>,
    /// The named place or port of the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub incoterm_place: Option<String>,
    /// ISO 4217 invoice currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub currency: Option<String>,
    /// Units of the declaration currency per unit of the invoice currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub exchange_rate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub exchange_rate_date: Option<String>,
    /// Total amount invoiced, in the invoice currency: the sum of the lines' values,
    /// each rounded to the currency's minor unit (half away from zero).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub total_invoiced: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub freight: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub insurance: Option<String>,
}
}

doc_struct! {
pub struct GoodsLine {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub commodity: Commodity,
    /// ISO 3166-1 alpha-2 (non-preferential) country of origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub origin_country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub preferential_origin: Option<PreferentialOrigin>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub net_mass_kg: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub gross_mass_kg: Option<String>,
    #[serde(default)]
    pub packages: Vec<Packages>,
    /// Value in the invoice currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub quantity: Option<Quantity>,
    /// What the line ships from the ledger: lots, serials, SSCCs.
    #[serde(default)]
    pub items: Vec<LineItem>,
}
}

doc_struct! {
pub struct Commodity {
    /// HS 2022 subheading, 6 digits.
    #[serde(default)]
    pub hs: String,
    /// EU Combined Nomenclature, 8 digits (extends `hs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cn: Option<String>,
    /// EU TARIC, 10 digits (extends `cn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub taric: Option<String>,
    /// US HTSUS statistical reporting number, 10 digits (extends `hs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub htsus: Option<String>,
}
}

doc_struct! {
pub struct PreferentialOrigin {
    #[serde(default)]
    pub country: String,
    /// Proof of origin: e.g. `EUR.1`, `statement-on-origin`, `REX`.
    #[serde(default)]
    pub proof: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reference: Option<String>,
}
}

doc_struct! {
pub struct Packages {
    /// UN/ECE Recommendation 21 package code (`BG` bag, `CT` carton).
    #[serde(default)]
    pub kind: String,
    #[ts(type = "number")]
    #[serde(default)]
    pub number: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub marks: Option<String>,
}
}

doc_struct! {
pub struct Quantity {
    #[serde(default)]
    pub value: String,
    /// UN/ECE Recommendation 20 unit (`KGM`, `NAR`).
    #[serde(default)]
    pub unit: String,
}
}

doc_struct! {
/// A lot, serial or SSCC the line ships, as a canonical GS1 Digital Link, with the
/// quantity taken from it (in the unit the ledger records for it).
pub struct LineItem {
    #[serde(default)]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub quantity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub unit: Option<String>,
}
}

doc_struct! {
pub struct Document {
    /// Document type code: EU TARIC certificate codes (`N380` commercial invoice,
    /// `N271` packing list, `N705` bill of lading, `N954` certificate of origin) or
    /// `EUDR-DDS` for an EUDR due-diligence statement.
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub reference: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub date: Option<String>,
    /// An EUDR due-diligence statement's verification number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub verification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub file: Option<Attachment>,
}
}

doc_struct! {
/// A file stored with the dossier under its SHA-256.
pub struct Attachment {
    pub name: String,
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
    #[ts(type = "number")]
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub media_type: Option<String>,
}
}

impl Dossier {
    /// An empty draft with its id.
    pub fn new(id: &str) -> Dossier {
        Dossier {
            format: DOSSIER_FORMAT.into(),
            id: id.into(),
            version: 1,
            ..Dossier::default()
        }
    }
}
