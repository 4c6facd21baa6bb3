//! UN Transparency Protocol credentials (docs/spec/untp.md), UNTP **0.6.0**: a lot as a
//! Digital Product Passport and the events of its chain as one Digital Traceability
//! Event credential, each a W3C VC 2.0 enveloped as `vc+jwt` and signed with the
//! ledger's organisation key (as the dossier's credential, `dossier::vc`); and their
//! verification: the signature by the issuer's did:key, the UNTP shape, the issuer's
//! standing in the trust store.

use crate::bundle::BundleVerdict;
use crate::dossier::checks::{Check, Checks};
use crate::dossier::vc::{did_key, open_jwt, sign_credential, VC_CONTEXT};
use crate::error::{Error, Result};
use crate::identity::{IdentityCard, Signer};
use crate::ledger::Ledger;
use crate::time::Timestamp;
use crate::trace::{self, Direction};
use serde::Serialize;
use serde_json::{json, Value};
use ts_rs::TS;

pub const DPP_CONTEXT: &str = "https://test.uncefact.org/vocabulary/untp/dpp/0.6.0/";
pub const DTE_CONTEXT: &str = "https://test.uncefact.org/vocabulary/untp/dte/0.6.0/";
const CBV: &str = "https://ref.gs1.org/cbv/";

fn issuer(card: &IdentityCard) -> Result<Value> {
    let key = crate::signature::PublicKey::from_hex(&card.public_key)
        .ok_or_else(|| Error::invalid("card", "the identity card's key is not 32 bytes of hex"))?;
    let mut i = json!({"type": ["CredentialIssuer"], "id": did_key(&key), "name": card.org});
    if let Some(gln) = &card.gln {
        i["issuerAlsoKnownAs"] = json!([{"id": format!("https://id.gs1.org/417/{gln}"), "name": card.org, "registeredId": gln}]);
    }
    Ok(i)
}

/// A CBV 2.0 term as the UNTP vocabulary names it: `https://ref.gs1.org/cbv/BizStep-shipping`.
fn cbv(kind: &str, term: &str) -> String {
    let bare = term
        .rsplit([':', '/'])
        .next()
        .unwrap_or(term)
        .trim_start_matches(&format!("{kind}-"));
    format!("{CBV}{kind}-{bare}")
}

struct Lot {
    start: String,
    gtin: String,
    lot: String,
    product: Option<String>,
}

fn lot_of(ledger: &Ledger, text: &str) -> Result<Lot> {
    let start = trace::start_id("lot", text)?;
    if !crate::dossier::links::recorded(ledger, &start)?.known {
        return Err(Error::NotFound {
            what: format!("lot {text}"),
            hint: "no recorded event names it; check the GTIN and lot, or import the events that name it (`tradeseal epcis import`)".into(),
        });
    }
    let (g, l) = text.trim().split_once('/').expect("start_id checked it");
    Ok(Lot {
        product: trace::product_name(ledger, &start)?,
        start,
        gtin: crate::gs1::Gtin::parse(g)?.to_string(),
        lot: l.to_string(),
    })
}

/// The credential ids: stable for a lot of a ledger, so a later issue replaces the
/// earlier one.
fn credential_id(ledger: &Ledger, what: &str, lot: &Lot) -> String {
    format!(
        "urn:tradeseal:{}:{what}:{}:{}",
        ledger.origin().replace('/', ":"),
        lot.gtin,
        crate::gs1::id::dl_encode(&lot.lot)
    )
}

/// The Digital Traceability Event credential (unsigned) of the lot's chain: every event
/// that led to it, oldest first, as UNTP events. A transaction event without both a
/// source and a destination party (UNTP requires them) is left out and counted.
pub fn events_credential(
    ledger: &Ledger,
    card: &IdentityCard,
    lot_text: &str,
    now: Timestamp,
) -> Result<(Value, usize)> {
    let lot = lot_of(ledger, lot_text)?;
    let back = trace::trace(ledger, &lot.start, Direction::Back)?;
    let mut events = back.events.clone();
    events.sort_by_key(|e| e.event.time_ms);
    let mut out = Vec::new();
    let mut left_out = 0;
    for e in &events {
        let d = crate::timeline::event_detail(ledger, e.event.id)?;
        match event(&d) {
            Some(v) => out.push(v),
            None => left_out += 1,
        }
    }
    Ok((
        json!({
            "@context": [VC_CONTEXT, DTE_CONTEXT],
            "type": ["DigitalTraceabilityEvent", "VerifiableCredential"],
            "id": credential_id(ledger, "dte", &lot),
            "issuer": issuer(card)?,
            "validFrom": now.to_rfc3339(),
            "credentialSubject": out,
        }),
        left_out,
    ))
}

fn item(o: &crate::timeline::EventObject) -> Value {
    json!({"type": ["Item"], "id": o.id, "name": o.name.clone().unwrap_or_else(|| o.label.clone())})
}

fn quantity(o: &crate::timeline::EventObject) -> Value {
    let mut q = json!({"type": ["QuantityElement"], "productId": o.id, "productName": o.name.clone().unwrap_or_else(|| o.label.clone()), "quantity": o.quantity});
    if let Some(u) = &o.uom {
        q["uom"] = json!(u);
    }
    q
}

/// One EPCIS event as a UNTP event; `None` for a transaction event UNTP cannot carry.
fn event(d: &crate::timeline::EventDetail) -> Option<Value> {
    let ev = &d.event;
    let kind = ev.event_type.as_str();
    let mut v = json!({
        "type": [kind, "Event"],
        "id": d.json.get("eventID").and_then(Value::as_str).unwrap_or(&ev.hash_id),
        "eventTime": ev.event_time,
    });
    if let Some(a) = &ev.action {
        if kind != "TransformationEvent" {
            v["action"] = json!(a.to_lowercase());
        }
    }
    if let Some(s) = &ev.biz_step {
        v["bizStep"] = json!(cbv("BizStep", s));
        v["processType"] = json!(s.rsplit([':', '/', '-']).next().unwrap_or(s));
    }
    if let Some(s) = &ev.disposition {
        v["disposition"] = json!(cbv("Disp", s));
    }
    if let Some(l) = &ev.location {
        v["bizLocation"] = json!(l);
    }
    let push = |v: &mut Value, key: &str, x: Value| {
        v.as_object_mut()
            .expect("an object")
            .entry(key)
            .or_insert_with(|| json!([]))
            .as_array_mut()
            .expect("an array")
            .push(x);
    };
    for o in &d.objects {
        let counted = o.quantity.is_some();
        match (kind, o.role.as_str(), counted) {
            ("AggregationEvent" | "AssociationEvent", "parent", _) => v["parentEPC"] = item(o),
            ("AggregationEvent" | "AssociationEvent", _, false) => {
                push(&mut v, "childEPCList", item(o))
            }
            ("AggregationEvent" | "AssociationEvent", _, true) => {
                push(&mut v, "childQuantityList", quantity(o))
            }
            ("TransformationEvent", "input", false) => push(&mut v, "inputEPCList", item(o)),
            ("TransformationEvent", "input", true) => {
                push(&mut v, "inputQuantityList", quantity(o))
            }
            ("TransformationEvent", _, false) => push(&mut v, "outputEPCList", item(o)),
            ("TransformationEvent", _, true) => push(&mut v, "outputQuantityList", quantity(o)),
            (_, _, false) => push(&mut v, "epcList", item(o)),
            (_, _, true) => push(&mut v, "quantityList", quantity(o)),
        }
    }
    if kind == "TransactionEvent" {
        let party = |list: &str| -> Option<Value> {
            let id = d.json.get(list)?.as_array()?.first()?;
            let id = id
                .get("source")
                .or_else(|| id.get("destination"))?
                .as_str()?;
            Some(json!({"id": id, "name": id}))
        };
        v["sourceParty"] = party("sourceList")?;
        v["destinationParty"] = party("destinationList")?;
    }
    Some(v)
}

/// The Digital Product Passport credential (unsigned) of the lot: the product and its
/// batch, where it was produced, its materials' origins, and its traceability, with the
/// share of origins verified and a secure link to the lot's traceability events
/// credential (`events_sha256`: SHA-256 of its `vc+jwt`, hex).
pub fn passport_credential(
    ledger: &Ledger,
    card: &IdentityCard,
    lot_text: &str,
    now: Timestamp,
    events_sha256: &str,
) -> Result<Value> {
    let lot = lot_of(ledger, lot_text)?;
    let back = trace::trace(ledger, &lot.start, Direction::Back)?;
    let summary = crate::certificate::statement::state(
        ledger,
        &card.org,
        crate::certificate::CertificateType::Authenticity,
        &crate::certificate::Target::Lot(lot_text.trim().to_string()),
    )?
    .origin
    .expect("goods have an origin summary");
    let mut materials = Vec::new();
    for n in back.nodes.iter().filter(|n| n.origin) {
        let mut m = json!({"type": ["Material"], "name": n.product_name.clone().unwrap_or_else(|| n.label.clone())});
        if let Some(at) = &n.created_at {
            if let Some(p) = crate::map::places(ledger, std::slice::from_ref(at))?.first() {
                m["originCountry"] = json!(p.country);
            }
        }
        materials.push(m);
    }
    let ratio = if summary.origins == 0 {
        0.0
    } else {
        f64::from(summary.verified) / f64::from(summary.origins)
    };
    let mut product = json!({
        "type": ["Product"],
        "id": lot.start,
        "name": lot.product.clone().unwrap_or_else(|| format!("GTIN {}", lot.gtin)),
        "registeredId": lot.gtin,
        "idScheme": {"type": ["IdentifierScheme"], "id": "https://id.gs1.org/01/", "name": "Global Trade Item Number (GTIN)"},
        "batchNumber": lot.lot,
        "producedByParty": {"id": issuer(card)?["id"], "name": card.org},
    });
    if let [only] = summary.countries.as_slice() {
        product["countryOfProduction"] = json!(only);
    }
    Ok(json!({
        "@context": [VC_CONTEXT, DPP_CONTEXT],
        "type": ["DigitalProductPassport", "VerifiableCredential"],
        "id": credential_id(ledger, "dpp", &lot),
        "issuer": issuer(card)?,
        "validFrom": now.to_rfc3339(),
        "credentialSubject": {
            "type": ["ProductPassport"],
            "id": lot.start,
            "product": product,
            "granularityLevel": "batch",
            "materialsProvenance": materials,
            "traceabilityInformation": [{
                "type": ["TraceabilityPerformance"],
                "valueChainProcess": "The lot's chain, traced back to the origins",
                "verifiedRatio": ratio,
                "traceabilityEvent": [{"type": ["SecureLink", "Link"], "linkURL": credential_id(ledger, "dte", &lot), "linkName": "Digital Traceability Events of the lot", "linkType": "https://test.uncefact.org/vocabulary/untp/dte/0.6.0/DigitalTraceabilityEvent", "hashDigest": events_sha256, "hashMethod": "SHA-256", "encryptionMethod": "none"}],
            }],
        },
    }))
}

/// The lot's passport and events credentials as `vc+jwt`, signed by `signer` (the
/// organisation's key: a partner holds it on the organisation's card).
pub fn issue(ledger: &Ledger, signer: &Signer, lot_text: &str, now: Timestamp) -> Result<Issued> {
    if signer.public_key().to_hex() != signer.card.public_key {
        return Err(Error::invalid(
            "key",
            "UNTP credentials are signed with the organisation's key",
        ));
    }
    let (dte, left_out) = events_credential(ledger, &signer.card, lot_text, now)?;
    let dte_jwt = sign_credential(&dte, signer);
    let digest = crate::hash::Hash::of(dte_jwt.as_bytes()).to_hex();
    let dpp = passport_credential(ledger, &signer.card, lot_text, now, &digest)?;
    Ok(Issued {
        dpp_jwt: sign_credential(&dpp, signer),
        dte_jwt,
        dpp,
        dte,
        left_out,
    })
}

pub struct Issued {
    pub dpp: Value,
    pub dte: Value,
    pub dpp_jwt: String,
    pub dte_jwt: String,
    /// Transaction events UNTP could not carry (no source or destination party).
    pub left_out: usize,
}

/// A UNTP credential checked.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct UntpReport {
    pub verdict: BundleVerdict,
    /// `DigitalProductPassport` or `DigitalTraceabilityEvent`, once readable.
    pub kind: Option<String>,
    /// The issuer: the name the trust store records for the key, else the credential's.
    pub issuer: Option<String>,
    pub did: Option<String>,
    pub fingerprint: Option<String>,
    /// The credential (its JSON), once its signature holds.
    #[ts(type = "unknown")]
    pub credential: Option<Value>,
    pub findings: Vec<Check>,
}

/// Verifies a UNTP `vc+jwt` (0.6.0): its signature by the issuer's did:key, that it is a
/// Digital Product Passport or Digital Traceability Event credential of this version,
/// and, with the verifier's `ledger`, the issuer's standing in its trust store.
pub fn verify(jwt: &str, ledger: Option<&Ledger>) -> UntpReport {
    let mut f = Checks::new("credential");
    let mut r = UntpReport {
        verdict: BundleVerdict::Failed,
        kind: None,
        issuer: None,
        did: None,
        fingerprint: None,
        credential: None,
        findings: Vec::new(),
    };
    let (payload, key) = match open_jwt(jwt) {
        Ok(x) => x,
        Err((code, why)) => {
            f.error(
                code,
                "",
                None,
                why,
                "ask the issuer for the credential again; do not rely on this one",
            );
            (r.verdict, r.findings) = f.verdict();
            return r;
        }
    };
    r.did = Some(did_key(&key));
    r.fingerprint = Some(crate::identity::fingerprint(&key));
    r.issuer = payload["issuer"]["name"].as_str().map(str::to_string);
    let types: Vec<&str> = payload["type"]
        .as_array()
        .map(|t| t.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let contexts: Vec<&str> = payload["@context"]
        .as_array()
        .map(|t| t.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let kind = ["DigitalProductPassport", "DigitalTraceabilityEvent"]
        .into_iter()
        .find(|k| types.contains(k));
    let context = match kind {
        Some("DigitalProductPassport") => DPP_CONTEXT,
        _ => DTE_CONTEXT,
    };
    if kind.is_none() || contexts.first() != Some(&VC_CONTEXT) || contexts.get(1) != Some(&context)
    {
        f.error(
            "vc-malformed",
            "/type",
            None,
            format!("not a UNTP 0.6.0 Digital Product Passport or Digital Traceability Event (type {types:?}, context {contexts:?})"),
            "ask the issuer for a UNTP 0.6.0 credential, or check it with a tool of its version",
        );
    }
    r.kind = kind.map(str::to_string);
    if let Some(ledger) = ledger {
        let valid_from = payload["validFrom"]
            .as_str()
            .and_then(|t| Timestamp::parse_rfc3339(t).ok())
            .map(|t| t.unix_millis())
            .unwrap_or(i64::MAX);
        let org = r.issuer.clone().unwrap_or_default();
        let (status, name) =
            crate::dossier::sealed::standing_in(ledger, &org)(&key.to_hex(), valid_from);
        let name = name.unwrap_or(org);
        crate::label::verify::standing(&mut f, status, &name, "/issuer", "credential");
        r.issuer = Some(name);
    }
    r.credential = Some(payload);
    (r.verdict, r.findings) = f.verdict();
    r
}
