//! Passport pages (issue 18; docs/spec/passport.md): a lot's provenance published as a
//! static site for any host or GS1 Digital Link resolver. Per lot: the product, its
//! origins on a map, its journey, its certifications, the issuer and its fingerprint,
//! the chain as a signed bundle; per serial, the same and the label's own check, run
//! in the browser (WebCrypto Ed25519) against the key the site publishes. One
//! stylesheet, one script, no request leaves a page. What the brand withholds
//! (quantities, partners) is left out at publish time, not hidden on the page.

pub mod html;
pub mod map;

use crate::error::{Error, Result};
use crate::gs1::{Gtin, Lot};
use crate::identity::IdentityCard;
use crate::label::issue::SerialSet;
use crate::ledger::Ledger;
use crate::trace::{self, Direction};
use html::escape;
use serde::Serialize;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use ts_rs::TS;

const CSS: &str = include_str!("../../../../assets/passport/passport.css");
const JS: &str = include_str!("../../../../assets/passport/passport.js");
/// Serial pages a site holds at most (one folder each).
pub const MAX_SERIALS: usize = 100_000;
/// The languages of the pages (the app's).
pub const LANGUAGES: [&str; 6] = ["en", "es", "pt", "fr", "de", "zh"];

/// What to publish and what to withhold.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// A page for every serial issued for the lot, with the label's check.
    pub serials: bool,
    /// No quantities on the pages.
    pub hide_quantities: bool,
    /// No partners: the journey's places by country only, no parties, no bundle (it
    /// names them).
    pub hide_partners: bool,
    /// On each serial's page, where and when the label was scanned (the scan log:
    /// place and date, newest first, at most 10).
    pub sightings: bool,
    /// Where the site will be served (`https://passport.example.com`), for the
    /// linkset's links; without it they are relative to the linkset.
    pub base: Option<String>,
}

/// What was written.
#[derive(Clone, Debug)]
pub struct Published {
    pub lot_page: PathBuf,
    pub serial_pages: usize,
    pub files: usize,
    pub bytes: u64,
}

struct Site<'a> {
    out: &'a Path,
    files: usize,
    bytes: u64,
}

impl Site<'_> {
    fn write(&mut self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.out.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
        }
        crate::files::write_file(&path, bytes)?;
        // Published: readable by the web server, not only by this user.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))
                .map_err(|e| Error::io(format!("publishing {}", path.display()), e))?;
        }
        self.files += 1;
        self.bytes += bytes.len() as u64;
        Ok(())
    }
}

/// A Digital Link path segment: GS1's percent-encoding of a lot or serial; a lot or
/// serial of dots only (`.`, `..`: valid in GS1's character set 82) has its dots
/// encoded too, so that it names a folder of its own, never this one or its parent.
fn segment(s: &str) -> String {
    if s.chars().all(|c| c == '.') {
        return "%2E".repeat(s.len());
    }
    crate::gs1::id::dl_encode(s)
}

/// The serials of a batch, in order (a range counts up keeping its width).
fn serials_of(set: &SerialSet) -> Vec<String> {
    match set {
        SerialSet::List { list } => list.clone(),
        SerialSet::Range { from, to } => {
            let (Ok(a), Ok(b)) = (from.parse::<u64>(), to.parse::<u64>()) else {
                return vec![from.clone(), to.clone()];
            };
            let width = from.len();
            (a..=b.min(a + MAX_SERIALS as u64))
                .map(|n| format!("{n:0width$}"))
                .collect()
        }
    }
}

/// One step of the journey.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts", rename = "PassportStep")]
pub struct Step {
    /// The event's time as recorded (RFC 3339 with its offset).
    pub time: String,
    /// The CBV business step (`shipping`), else the event type.
    pub what: String,
    /// The place's name; empty when unknown or withheld.
    pub place: String,
    pub quantity: Option<String>,
}

/// What a lot's page shows: the preview of a publication, and what it is written from.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct PassportView {
    pub gtin: String,
    pub lot: String,
    pub product: Option<String>,
    pub issuer: String,
    pub fingerprint: String,
    pub places: Vec<crate::map::MapPlace>,
    pub steps: Vec<Step>,
    pub certifications: Vec<String>,
    /// The signed chain is published (not when partners are withheld).
    pub bundle: bool,
    /// Serials issued for the lot (their pages with --serials).
    #[ts(type = "number")]
    pub serials: u64,
}

/// What the lot's page will show, with `opts` applied: the app's preview.
pub fn view(
    ledger: &Ledger,
    card: &IdentityCard,
    lot_text: &str,
    opts: &Options,
) -> Result<PassportView> {
    let start = trace::start_id("lot", lot_text)?;
    if !crate::dossier::links::recorded(ledger, &start)?.known {
        return Err(Error::NotFound {
            what: format!("lot {lot_text}"),
            hint: "no recorded event names it; check the GTIN and lot, or import the events that name it (`tradeseal epcis import`)".into(),
        });
    }
    let (g, l) = lot_text
        .trim()
        .split_once('/')
        .expect("start_id checked it");
    let gtin = Gtin::parse(g)?;
    let lot = Lot::parse(l)?;
    let product = trace::product_name(ledger, &start)?;
    let back = trace::trace(ledger, &start, Direction::Back)?;

    // Origins: where the chain's first goods were made.
    let mut keys: Vec<String> = back
        .nodes
        .iter()
        .filter(|n| n.origin)
        .filter_map(|n| n.created_at.clone())
        .collect();
    keys.sort();
    keys.dedup();
    let places = crate::map::places(ledger, &keys)?;
    let origin_places: Vec<String> = back
        .nodes
        .iter()
        .filter(|n| n.origin)
        .filter_map(|n| n.created_at_name.clone())
        .collect();

    // The journey, oldest first; the certifications its events carry.
    let mut events = back.events.clone();
    events.sort_by_key(|e| e.event.time_ms);
    let mut steps = Vec::new();
    let mut certifications: Vec<String> = Vec::new();
    for e in &events {
        let ev = &e.event;
        let detail = crate::timeline::event_detail(ledger, ev.id)?;
        for c in certification_info(&detail.json) {
            if !certifications.contains(&c) {
                certifications.push(c);
            }
        }
        let name = ev.location_name.clone();
        let place = match (&name, opts.hide_partners) {
            (Some(n), false) => n.clone(),
            (Some(n), true) if origin_places.contains(n) => n.clone(),
            _ => String::new(),
        };
        let quantity = (!opts.hide_quantities)
            .then(|| {
                detail
                    .objects
                    .iter()
                    .filter_map(|o| o.quantity.map(|q| (q, o.uom.clone())))
                    .map(|(q, u)| format!("{q} {}", unit(u.as_deref())).trim().to_string())
                    .next()
            })
            .flatten();
        steps.push(Step {
            time: ev.event_time.clone(),
            what: ev
                .biz_step
                .as_deref()
                .map(short_term)
                .unwrap_or_else(|| ev.event_type.clone()),
            place,
            quantity,
        });
    }

    let serials = crate::label::issue::batches(ledger, &gtin, &lot)?
        .iter()
        .map(|(_, p)| p.count)
        .sum();
    Ok(PassportView {
        gtin: gtin.to_string(),
        lot: lot.as_str().to_string(),
        product,
        issuer: card.org.clone(),
        fingerprint: card.fingerprint.clone(),
        places,
        steps,
        certifications,
        bundle: !opts.hide_partners,
        serials,
    })
}

/// Publishes the lot `lot_text` (`GTIN/LOT`) of `ledger` (whose owner is `card`) into
/// the folder `out` (new, empty, or an earlier site of this home).
pub fn publish(
    ledger: &Ledger,
    card: &IdentityCard,
    lot_text: &str,
    opts: &Options,
    out: &Path,
) -> Result<Published> {
    let v = view(ledger, card, lot_text, opts)?;
    if out.exists() {
        let earlier = out.join("keys.json").exists();
        let empty = std::fs::read_dir(out)
            .map_err(|e| Error::io(format!("reading {}", out.display()), e))?
            .next()
            .is_none();
        if !earlier && !empty {
            return Err(Error::invalid(
                "output",
                format!("{} holds other files: publish into a new or empty folder (or one TradeSeal published before)", out.display()),
            ));
        }
    }
    let start = trace::start_id("lot", lot_text)?;
    let gtin = Gtin::parse(&v.gtin)?;
    let lot = Lot::parse(&v.lot)?;
    let product = v.product.clone();
    let lot_dir = format!("01/{}/10/{}", gtin, segment(lot.as_str()));
    let mut site = Site {
        out,
        files: 0,
        bytes: 0,
    };
    site.write("assets/passport.css", CSS.as_bytes())?;
    site.write("assets/passport.js", JS.as_bytes())?;
    let key = crate::signature::PublicKey::from_hex(&card.public_key).ok_or_else(|| {
        Error::invalid(
            "card",
            "the identity card's public key is not 32 bytes of hex",
        )
    })?;
    let key_id = crate::label::link::key_id(&key);
    let keys_json = json!({
        "format": "tradeseal-passport/1",
        "issuer": card.org,
        "gln": card.gln,
        "public_key": card.public_key,
        "key_id": key_id,
        "fingerprint": card.fingerprint,
    });
    site.write(
        "keys.json",
        (serde_json::to_string_pretty(&keys_json).expect("JSON") + "\n").as_bytes(),
    )?;
    let bundle = if opts.hide_partners {
        None
    } else {
        let mut bytes = Vec::new();
        crate::bundle::export(ledger, card, "lot", &start, &mut bytes)?;
        site.write(&format!("{lot_dir}/chain.tsbundle"), &bytes)?;
        Some(bytes.len())
    };

    let page_data = PageData {
        gtin: gtin.to_string(),
        lot: lot.as_str().to_string(),
        product: product.clone(),
        card,
        map: map::svg(&v.places, "Origins on the map"),
        places: &v.places,
        steps: &v.steps,
        certifications: &v.certifications,
        bundle,
    };
    site.write(
        &format!("{lot_dir}/index.html"),
        render(&page_data, "../../../../", None).as_bytes(),
    )?;

    let mut serial_pages = 0;
    if opts.serials {
        let batches = crate::label::issue::batches(ledger, &gtin, &lot)?;
        let mut seen = std::collections::BTreeMap::<String, Vec<u64>>::new();
        for (seq, payload) in &batches {
            for s in serials_of(&payload.serials) {
                seen.entry(s).or_default().push(*seq);
            }
        }
        if seen.len() > MAX_SERIALS {
            return Err(Error::invalid(
                "serials",
                format!("the lot has {} serials; a site holds at most {MAX_SERIALS} serial pages: publish without --serials, or point the resolver at the lot page", seen.len()),
            ));
        }
        for (serial, batches) in &seen {
            let seen_at: Vec<Value> = if opts.sightings {
                crate::label::sightings::history(ledger, Some((gtin.as_str(), serial)), 10)?
                    .into_iter()
                    .filter(|r| r.lot == lot.as_str())
                    .map(|r| json!({"place": r.place, "date": r.time.get(..10).unwrap_or(&r.time)}))
                    .collect()
            } else {
                Vec::new()
            };
            let label = json!({
                "seen": seen_at,
                "gtin": gtin.to_string(),
                "lot": lot.as_str(),
                "serial": serial,
                "batches": batches,
                "public_key": card.public_key,
                "key_id": key_id,
                "issuer": card.org,
            });
            site.write(
                &format!("{lot_dir}/21/{}/index.html", segment(serial)),
                render(&page_data, "../../../../../../", Some(&label)).as_bytes(),
            )?;
            serial_pages += 1;
        }
    }

    // The resolver's linkset (RFC 9264): the lot's Digital Link to its page.
    let href = match &opts.base {
        Some(b) => format!("{}/{lot_dir}/", b.trim_end_matches('/')),
        None => format!("{lot_dir}/"),
    };
    let link = json!({
        "href": href,
        "title": product.clone().unwrap_or_else(|| "Product passport".into()),
        "type": "text/html",
        "hreflang": LANGUAGES,
    });
    let linkset = json!({
        "linkset": [{
            "anchor": format!("{}/{lot_dir}", crate::gs1::CANONICAL_DL_BASE),
            "https://gs1.org/voc/pip": [link.clone()],
            "https://gs1.org/voc/defaultLink": [link],
        }]
    });
    site.write(
        "linkset.json",
        (serde_json::to_string_pretty(&linkset).expect("JSON") + "\n").as_bytes(),
    )?;
    Ok(Published {
        lot_page: out.join(&lot_dir).join("index.html"),
        serial_pages,
        files: site.files,
        bytes: site.bytes,
    })
}

/// UN/ECE Recommendation 20 units by their symbol (kg, t, L); others as coded.
fn unit(code: Option<&str>) -> &str {
    match code {
        Some("KGM") => "kg",
        Some("TNE") => "t",
        Some("GRM") => "g",
        Some("LTR") => "L",
        Some("MTQ") => "m³",
        Some(other) => other,
        None => "",
    }
}

/// `https://ns.gs1.org/cbv/BizStep-shipping` or `urn:epcglobal:cbv:bizstep:shipping` as
/// `shipping`.
fn short_term(term: &str) -> String {
    term.rsplit([':', '-', '/'])
        .next()
        .unwrap_or(term)
        .to_string()
}

/// The certification references an EPCIS 2.0 event carries (`certificationInfo`: a
/// string, or a list of strings or objects with an id).
fn certification_info(event: &Value) -> Vec<String> {
    let one = |v: &Value| -> Option<String> {
        v.as_str()
            .map(str::to_string)
            .or_else(|| {
                v.get("certificationIdentification")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .or_else(|| v.get("id").and_then(Value::as_str).map(str::to_string))
    };
    match event.get("certificationInfo") {
        Some(Value::Array(list)) => list.iter().filter_map(one).collect(),
        Some(v) => one(v).into_iter().collect(),
        None => Vec::new(),
    }
}

struct PageData<'a> {
    gtin: String,
    lot: String,
    product: Option<String>,
    card: &'a IdentityCard,
    map: String,
    places: &'a [crate::map::MapPlace],
    steps: &'a [Step],
    certifications: &'a [String],
    bundle: Option<usize>,
}

fn render(d: &PageData<'_>, root: &str, label: Option<&Value>) -> String {
    let title = d
        .product
        .clone()
        .unwrap_or_else(|| format!("GTIN {}", d.gtin));
    let mut b = String::new();
    b.push_str(&format!(
        "<header><p class=\"kicker\" data-t=\"passport\">Product passport</p><h1 data-testid=\"product\">{}</h1><p class=\"ids\">GTIN <span class=\"mono\">{}</span> · <span data-t=\"lot\">Lot</span> <span class=\"mono\" data-testid=\"lot\">{}</span>{}</p></header>\n",
        escape(&title),
        escape(&d.gtin),
        escape(&d.lot),
        label
            .and_then(|l| l["serial"].as_str())
            .map(|s| format!(" · <span data-t=\"serial\">Serial</span> <span class=\"mono\">{}</span>", escape(s)))
            .unwrap_or_default()
    ));
    if let Some(l) = label {
        let seen: String = l["seen"]
            .as_array()
            .filter(|s| !s.is_empty())
            .map(|s| {
                format!(
                    "<p class=\"small\" data-t=\"seenBefore\">This label was scanned before at:</p><ul class=\"small\" data-testid=\"seen\">{}</ul>",
                    s.iter()
                        .map(|x| format!(
                            "<li>{} · {}</li>",
                            escape(x["place"].as_str().unwrap_or("")),
                            escape(x["date"].as_str().unwrap_or(""))
                        ))
                        .collect::<String>()
                )
            })
            .unwrap_or_default();
        b.push_str(&format!(
            "<section class=\"check\" aria-live=\"polite\"><h2 data-t=\"labelCheck\">The label</h2><p class=\"verdict\" id=\"verdict\" data-testid=\"verdict\" data-state=\"checking\" data-t=\"checking\">Checking the label's signature…</p><p class=\"small muted\" id=\"why\"></p>{seen}</section>\n<script type=\"application/json\" id=\"label\">{}</script>\n",
            html::json_block(l)
        ));
    }
    b.push_str("<section><h2 data-t=\"origins\">Where it comes from</h2>\n");
    b.push_str(&d.map);
    b.push_str("\n<ul class=\"origins\" data-testid=\"origins\">");
    for p in d.places {
        b.push_str(&format!(
            "<li><strong>{}</strong> · {}{}</li>",
            escape(&p.name),
            escape(&p.country),
            p.area_ha
                .map(|a| format!(" · {a:.1} ha"))
                .unwrap_or_default()
        ));
    }
    if d.places.is_empty() {
        b.push_str("<li class=\"muted\" data-t=\"noOrigins\">No place of origin recorded.</li>");
    }
    b.push_str("</ul></section>\n");
    b.push_str("<section><h2 data-t=\"journey\">How it travelled</h2>\n<ol class=\"timeline\" data-testid=\"timeline\">");
    for s in d.steps {
        b.push_str(&format!(
            "<li><time datetime=\"{t}\" data-time=\"{t}\">{}</time> <span class=\"step\" data-step=\"{w}\">{w}</span>{}{}</li>",
            escape(s.time.get(..10).unwrap_or(&s.time)),
            if s.place.is_empty() { String::new() } else { format!(" · {}", escape(&s.place)) },
            s.quantity.as_deref().map(|q| format!(" · {}", escape(q))).unwrap_or_default(),
            t = escape(&s.time),
            w = escape(&s.what),
        ));
    }
    b.push_str("</ol></section>\n");
    b.push_str("<section><h2 data-t=\"certifications\">Certifications</h2><ul data-testid=\"certifications\">");
    for c in d.certifications {
        b.push_str(&format!("<li class=\"mono\">{}</li>", escape(c)));
    }
    if d.certifications.is_empty() {
        b.push_str("<li class=\"muted\" data-t=\"noCertifications\">None recorded in the chain's events.</li>");
    }
    b.push_str("</ul></section>\n");
    b.push_str(&format!(
        "<section><h2 data-t=\"issuer\">Published by</h2><p data-testid=\"issuer\">{}</p><p class=\"small\"><span data-t=\"fingerprint\">Key fingerprint</span>: <span class=\"mono\">{}</span></p>",
        escape(&d.card.org),
        escape(&d.card.fingerprint)
    ));
    let chain_href = if label.is_some() {
        "../../chain.tsbundle"
    } else {
        "chain.tsbundle"
    };
    match d.bundle {
        Some(_) => b.push_str(&format!(
            "<p><a href=\"{chain_href}\" download data-testid=\"bundle\" data-t=\"download\">Download the signed chain (TradeSeal bundle)</a></p><p class=\"small muted\" data-t=\"bundleHint\">Every event of this lot's chain with its signatures and ledger proofs: TradeSeal checks it offline.</p>"
        )),
        None => b.push_str("<p class=\"small muted\" data-t=\"bundleWithheld\">The signed chain is not published here: ask the brand for it.</p>"),
    }
    b.push_str("</section>\n");
    b.push_str(&format!(
        "<footer><label><span data-t=\"language\">Language</span> <select id=\"lang\">{}</select></label><p class=\"small muted\" data-t=\"footer\">Published with TradeSeal. This page loads nothing from elsewhere.</p></footer>",
        LANGUAGES
            .iter()
            .map(|l| format!("<option value=\"{l}\">{}</option>", native(l)))
            .collect::<String>()
    ));
    html::page(root, &title, &b)
}

fn native(lang: &str) -> &'static str {
    match lang {
        "es" => "Español",
        "pt" => "Português",
        "fr" => "Français",
        "de" => "Deutsch",
        "zh" => "中文",
        _ => "English",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certification_info_is_read_in_each_form_epcis_allows() {
        let one = json!({"certificationInfo": "https://certs.example.com/rainforest/123"});
        assert_eq!(
            certification_info(&one),
            vec!["https://certs.example.com/rainforest/123"]
        );
        let many = json!({"certificationInfo": [
            "urn:cert:a",
            {"certificationIdentification": "FT-2026-17", "certificationStandard": "Fairtrade"},
            {"id": "https://certs.example.com/x"},
            {"other": 1}
        ]});
        assert_eq!(
            certification_info(&many),
            vec!["urn:cert:a", "FT-2026-17", "https://certs.example.com/x"]
        );
        assert!(certification_info(&json!({})).is_empty());
    }

    #[test]
    fn steps_and_units_read_as_people_read_them() {
        assert_eq!(
            short_term("https://ns.gs1.org/cbv/BizStep-shipping"),
            "shipping"
        );
        assert_eq!(
            short_term("urn:epcglobal:cbv:bizstep:receiving"),
            "receiving"
        );
        assert_eq!(short_term("commissioning"), "commissioning");
        assert_eq!(unit(Some("KGM")), "kg");
        assert_eq!(segment(".."), "%2E%2E");
        assert_eq!(segment("."), "%2E");
        assert_eq!(segment("L.2026/7"), crate::gs1::id::dl_encode("L.2026/7"));
        assert!(!segment("L.2026/7").contains('/'));
        assert_eq!(unit(Some("H87")), "H87");
        assert_eq!(
            serials_of(&SerialSet::Range {
                from: "000098".into(),
                to: "000101".into()
            }),
            vec!["000098", "000099", "000100", "000101"]
        );
    }
}
