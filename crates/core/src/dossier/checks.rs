//! Field-by-field validation of a dossier: every finding names the field (a JSON
//! Pointer into the dossier), the value, the rule (a stable code,
//! docs/spec/findings.md "Dossier findings") and what to do.

use super::codes;
use super::decimal::Decimal;
use super::model::*;
use crate::bundle::FindingSeverity;
use crate::codelists::CodeLists;
use crate::gs1::Gln;
use serde::Serialize;
use ts_rs::TS;

/// One problem found in a dossier. `code` is stable; `path` is a JSON Pointer
/// (RFC 6901) to the field; `rules` names the rule set (`dossier`, `ledger`,
/// `provenance`, `eudr`, `uflpa`).
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct Check {
    pub code: String,
    pub severity: FindingSeverity,
    pub rules: String,
    pub path: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub message: String,
    pub action: String,
}

/// Collects findings of one rule set.
pub struct Checks {
    rules: &'static str,
    pub out: Vec<Check>,
}

impl Checks {
    pub fn new(rules: &'static str) -> Checks {
        Checks {
            rules,
            out: Vec::new(),
        }
    }

    pub fn add(
        &mut self,
        code: &str,
        severity: FindingSeverity,
        path: &str,
        value: Option<&str>,
        message: impl Into<String>,
        action: impl Into<String>,
    ) {
        debug_assert!(
            crate::i18n::knows_finding(code),
            "finding {code} is not in assets/locales/en.json"
        );
        self.out.push(Check {
            code: code.into(),
            severity,
            rules: self.rules.into(),
            path: path.into(),
            value: value.map(str::to_string),
            message: message.into(),
            action: action.into(),
        });
    }

    /// The findings, errors first, and the verdict they give.
    pub fn verdict(mut self) -> (crate::bundle::BundleVerdict, Vec<Check>) {
        self.out.sort_by_key(|c| c.severity);
        let v = crate::bundle::BundleVerdict::of(self.out.iter().map(|c| c.severity));
        (v, self.out)
    }

    pub fn error(
        &mut self,
        code: &str,
        path: &str,
        value: Option<&str>,
        msg: impl Into<String>,
        action: impl Into<String>,
    ) {
        self.add(code, FindingSeverity::Error, path, value, msg, action);
    }

    pub fn warning(
        &mut self,
        code: &str,
        path: &str,
        value: Option<&str>,
        msg: impl Into<String>,
        action: impl Into<String>,
    ) {
        self.add(code, FindingSeverity::Warning, path, value, msg, action);
    }

    fn required(&mut self, path: &str, what: &str) {
        self.error(
            "required",
            path,
            None,
            format!("{what} is missing"),
            format!("enter the {what}"),
        );
    }

    fn country(&mut self, path: &str, v: &str, what: &str) {
        if !codes::is_country(v) {
            self.error(
                "country-unknown",
                path,
                Some(v),
                format!("{v:?} is not an ISO 3166-1 country code ({what})"),
                "use the two capital letters of ISO 3166-1 (DE, US, CO)",
            );
        }
    }

    fn date(&mut self, path: &str, v: &str) {
        if !codes::is_date(v) {
            self.error(
                "date-format",
                path,
                Some(v),
                format!("{v:?} is not a date"),
                "write the date as YYYY-MM-DD (2026-03-14)",
            );
        }
    }

    fn decimal(&mut self, path: &str, v: &str, what: &str) -> Option<Decimal> {
        match Decimal::parse(v) {
            Some(d) if d.is_negative() => {
                self.error(
                    "negative-amount",
                    path,
                    Some(v),
                    format!("the {what} is negative"),
                    format!("enter the {what} as a positive number"),
                );
                None
            }
            Some(d) => Some(d),
            None => {
                self.error(
                    "decimal-format",
                    path,
                    Some(v),
                    format!("{v:?} is not a decimal number ({what})"),
                    "write digits with a point for decimals and no thousands separator (1234.50)",
                );
                None
            }
        }
    }

    fn locode(&mut self, path: &str, v: &str) {
        match codes::locode_parts(v) {
            None => self.error(
                "locode-format",
                path,
                Some(v),
                format!("{v:?} is not a UN/LOCODE"),
                "write the country and three letters or digits 2-9 (DEHAM, USNYC)",
            ),
            Some((cc, _)) if !codes::is_country(cc) => self.error(
                "locode-country",
                path,
                Some(v),
                format!("{v:?} starts with {cc:?}, which is not a country"),
                "check the first two letters of the UN/LOCODE",
            ),
            Some(_) => {}
        }
    }
}

fn opt<'a>(c: &mut Checks, path: &str, v: &'a Option<String>, what: &str) -> Option<&'a str> {
    match v.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => Some(v.as_deref().unwrap()),
        _ => {
            c.required(path, what);
            None
        }
    }
}

/// Validates the dossier's own fields (no ledger needed): what a received dossier is
/// checked with, too.
pub fn validate(d: &Dossier, lists: &CodeLists) -> Vec<Check> {
    let mut c = Checks::new("dossier");
    if d.format != DOSSIER_FORMAT {
        c.error(
            "dossier-format",
            "/format",
            Some(&d.format),
            format!("this TradeSeal reads {DOSSIER_FORMAT}"),
            "update TradeSeal, or ask the sender for a dossier in the format this version reads",
        );
    }
    header(&mut c, &d.header);
    parties(&mut c, &d.parties);
    transport(&mut c, &d.transport, d.valuation.incoterm.as_deref());
    // Against the full UN/LOCODE list, where one was imported.
    if !lists.locodes.is_empty() {
        for (name, v) in [
            ("loading_place", &d.transport.loading_place),
            ("unloading_place", &d.transport.unloading_place),
        ] {
            if let Some(v) = v {
                let code = v.replace(' ', "");
                if codes::locode_parts(v).is_some()
                    && codes::is_country(&code[..2])
                    && !lists.locodes.contains(&code)
                {
                    c.error("locode-unknown", &format!("/transport/{name}"), Some(v), format!("{v:?} is not in the UN/LOCODE list imported"), "check the code in UNECE's UN/LOCODE, or import a newer edition (tradeseal codelists unlocode FILE…)");
                }
            }
        }
    }
    let exponent = valuation(&mut c, &d.valuation);
    if d.lines.is_empty() {
        c.error(
            "required",
            "/lines",
            None,
            "the dossier has no goods lines",
            "add a goods line, import lines from a CSV or fill them from a shipment",
        );
    }
    let mut sum_value = Decimal::ZERO;
    let mut value_ok = true;
    let (mut sum_net, mut sum_gross, mut sum_packages) = (Decimal::ZERO, Decimal::ZERO, 0u64);
    let mut masses_ok = true;
    for (i, line) in d.lines.iter().enumerate() {
        let t = goods_line(&mut c, i, line, lists, exponent);
        match t.value {
            Some(v) => sum_value = sum_value + v,
            None => value_ok = false,
        }
        match (t.net, t.gross) {
            (Some(n), Some(g)) => {
                sum_net = sum_net + n;
                sum_gross = sum_gross + g;
            }
            _ => masses_ok = false,
        }
        sum_packages += t.packages;
    }
    // Totals.
    if let (Some(total), Some(exp), true) = (
        d.valuation
            .total_invoiced
            .as_deref()
            .and_then(Decimal::parse),
        exponent,
        value_ok && !d.lines.is_empty(),
    ) {
        if total != sum_value {
            let diff = total - sum_value;
            c.error("total-mismatch", "/valuation/total_invoiced", d.valuation.total_invoiced.as_deref(), format!("the total invoiced is {total}, the lines add up to {sum_value} (difference {diff}; each line rounded to {exp} decimals, half away from zero)"), "correct the total or the line values so that they agree with the commercial invoice");
        }
    }
    if let Some(g) = d
        .header
        .total_gross_mass_kg
        .as_deref()
        .and_then(Decimal::parse)
    {
        if g != sum_gross && masses_ok && !d.lines.is_empty() {
            c.error(
                "total-gross-mismatch",
                "/header/total_gross_mass_kg",
                d.header.total_gross_mass_kg.as_deref(),
                format!("the total gross mass is {g} kg, the lines add up to {sum_gross} kg"),
                "correct the total or the lines' gross masses",
            );
        }
    }
    if sum_net > sum_gross && masses_ok && !d.lines.is_empty() {
        c.error(
            "net-above-gross",
            "/lines",
            None,
            format!(
                "in total the net mass ({sum_net} kg) is above the gross mass ({sum_gross} kg)"
            ),
            "check the masses of the lines: the gross mass includes the packaging",
        );
    }
    if let Some(n) = d.header.total_packages {
        if n != sum_packages {
            c.error(
                "packages-mismatch",
                "/header/total_packages",
                Some(&n.to_string()),
                format!("{n} packages declared, the lines' packages add up to {sum_packages}"),
                "make the total agree with the packing list",
            );
        }
    }
    documents(&mut c, &d.documents);
    c.out
}

fn header(c: &mut Checks, h: &Header) {
    if let Some(t) = opt(
        c,
        "/header/declaration_type",
        &h.declaration_type,
        "declaration type",
    ) {
        if let Some(why) = codes::declaration_type_problem(t) {
            c.error(
                "declaration-type",
                "/header/declaration_type",
                Some(t),
                format!("{t:?} is not a declaration type"),
                why,
            );
        }
    }
    if let Some(p) = opt(c, "/header/procedure", &h.procedure, "procedure code") {
        if !(p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit())) {
            c.error(
                "procedure-format",
                "/header/procedure",
                Some(p),
                format!("{p:?} is not a procedure code"),
                "write the requested and previous procedure as four digits (1000, 4000, 4071)",
            );
        }
    }
    for (i, a) in h.additional_procedures.iter().enumerate() {
        if !(a.len() == 3
            && a.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
        {
            c.error(
                "procedure-format",
                &format!("/header/additional_procedures/{i}"),
                Some(a),
                format!("{a:?} is not an additional procedure code"),
                "write three letters or digits (C07, F15, 000)",
            );
        }
    }
    if let Some(l) = opt(c, "/header/lrn", &h.lrn, "local reference number (LRN)") {
        if let Some(why) = codes::lrn_problem(l) {
            c.error(
                "lrn-format",
                "/header/lrn",
                Some(l),
                format!("{l:?} is not a usable local reference number"),
                why,
            );
        }
    }
    if let Some(e) = &h.entry_number {
        if let Some(why) = codes::entry_number_problem(e) {
            c.error(
                "entry-number-format",
                "/header/entry_number",
                Some(e),
                format!("{e:?} is not a CBP entry number"),
                why,
            );
        }
    }
    if let Some(d) = opt(
        c,
        "/header/declaration_date",
        &h.declaration_date,
        "declaration date",
    ) {
        c.date("/header/declaration_date", d);
    }
    let offices = [
        ("declaration", &h.offices.declaration),
        ("exit", &h.offices.exit),
        ("entry", &h.offices.entry),
        ("destination", &h.offices.destination),
    ];
    for (name, v) in offices {
        if let Some(v) = v {
            if let Some(why) = codes::office_problem(v) {
                c.error(
                    "office-format",
                    &format!("/header/offices/{name}"),
                    Some(v),
                    format!("{v:?} is not a customs office reference"),
                    why,
                );
            }
        }
    }
    if let Some(g) = &h.total_gross_mass_kg {
        c.decimal("/header/total_gross_mass_kg", g, "total gross mass");
    }
}

fn parties(c: &mut Checks, p: &Parties) {
    match &p.exporter {
        Some(x) => party(c, "/parties/exporter", x),
        None => c.required("/parties/exporter", "exporter"),
    }
    match &p.consignee {
        Some(x) => party(c, "/parties/consignee", x),
        None => c.required("/parties/consignee", "consignee"),
    }
    if let Some(x) = &p.declarant {
        party(c, "/parties/declarant", x);
    }
    if let Some(x) = &p.representative {
        party(c, "/parties/representative", x);
    }
}

fn party(c: &mut Checks, path: &str, p: &DossierParty) {
    if p.name.trim().is_empty() {
        c.required(&format!("{path}/name"), "name");
    }
    match &p.country {
        Some(v) => c.country(&format!("{path}/country"), v, "the party's country"),
        None => c.required(&format!("{path}/country"), "country"),
    }
    if let Some(e) = &p.eori {
        if let Some(why) = codes::eori_problem(e) {
            c.error(
                "eori-format",
                &format!("{path}/eori"),
                Some(e),
                format!("{e:?} is not an EORI number"),
                why,
            );
        }
    }
    if let Some(g) = &p.gln {
        if let Err(e) = Gln::parse(g) {
            c.error(
                "gln-check-digit",
                &format!("{path}/gln"),
                Some(g),
                e.to_string(),
                "copy the 13-digit GLN again from the party's master data",
            );
        }
    }
}

fn transport(c: &mut Checks, t: &Transport, incoterm: Option<&str>) {
    for (name, v) in [
        ("mode_at_border", &t.mode_at_border),
        ("mode_inland", &t.mode_inland),
    ] {
        if let Some(v) = v {
            if codes::transport_mode(v).is_none() {
                c.error("transport-mode", &format!("/transport/{name}"), Some(v), format!("{v:?} is not a UN/ECE Recommendation 19 mode"), "1 sea, 2 rail, 3 road, 4 air, 5 post, 7 fixed installation, 8 inland waterway, 9 own propulsion");
            }
        }
    }
    if let Some(n) = &t.means_nationality {
        c.country(
            "/transport/means_nationality",
            n,
            "nationality of the means of transport",
        );
    }
    for (i, k) in t.containers.iter().enumerate() {
        let path = format!("/transport/containers/{i}/number");
        if let Some(why) = codes::container_problem(&k.number) {
            c.error(
                "container-check-digit",
                &path,
                Some(&k.number),
                format!("{:?} is not a valid ISO 6346 container number", k.number),
                why,
            );
        }
        for (j, s) in k.seals.iter().enumerate() {
            if s.trim().is_empty() {
                c.required(
                    &format!("/transport/containers/{i}/seals/{j}"),
                    "seal number",
                );
            }
        }
    }
    for (name, v) in [
        ("loading_place", &t.loading_place),
        ("unloading_place", &t.unloading_place),
    ] {
        if let Some(v) = v {
            c.locode(&format!("/transport/{name}"), v);
        }
    }
    for (name, v) in [
        ("dispatch_country", &t.dispatch_country),
        ("destination_country", &t.destination_country),
    ] {
        if let Some(v) = v {
            c.country(&format!("/transport/{name}"), v, name);
        }
    }
    if let (Some(rule), Some(mode)) = (incoterm, t.mode_at_border.as_deref()) {
        if codes::INCOTERMS_SEA.contains(&rule) && !matches!(mode, "1" | "8") {
            c.warning("incoterm-mode", "/valuation/incoterm", Some(rule), format!("{rule} is a rule for sea and inland waterway transport, but the mode at the border is {} ({mode})", codes::transport_mode(mode).unwrap_or("unknown")), "for containers and other modes use FCA, CPT or CIP instead");
        }
    }
}

/// Checks the valuation; returns the invoice currency's minor-unit digits.
fn valuation(c: &mut Checks, v: &Valuation) -> Option<u32> {
    if let Some(rule) = opt(c, "/valuation/incoterm", &v.incoterm, "Incoterms rule") {
        if !codes::INCOTERMS_2020.contains(&rule) {
            c.error(
                "incoterm-unknown",
                "/valuation/incoterm",
                Some(rule),
                format!("{rule:?} is not an Incoterms 2020 rule"),
                format!("use one of {}", codes::INCOTERMS_2020.join(", ")),
            );
        } else if v
            .incoterm_place
            .as_deref()
            .is_none_or(|p| p.trim().is_empty())
        {
            c.required(
                "/valuation/incoterm_place",
                "named place of the Incoterms rule",
            );
        }
    }
    let exponent = opt(c, "/valuation/currency", &v.currency, "invoice currency").and_then(|cur| {
        let e = codes::currency_exponent(cur);
        if e.is_none() {
            c.error(
                "currency-unknown",
                "/valuation/currency",
                Some(cur),
                format!("{cur:?} is not an ISO 4217 currency"),
                "use the three capital letters of ISO 4217 (EUR, USD, COP)",
            );
        }
        e
    });
    if let Some(t) = opt(
        c,
        "/valuation/total_invoiced",
        &v.total_invoiced,
        "total invoiced amount",
    ) {
        if let (Some(d), Some(e)) = (
            c.decimal("/valuation/total_invoiced", t, "total invoiced"),
            exponent,
        ) {
            if d.scale() > e {
                c.error(
                    "amount-precision",
                    "/valuation/total_invoiced",
                    Some(t),
                    format!("{t} has more decimals than the currency's {e}"),
                    format!("round the total to {e} decimals"),
                );
            }
        }
    }
    for (name, x) in [("freight", &v.freight), ("insurance", &v.insurance)] {
        if let Some(x) = x {
            c.decimal(&format!("/valuation/{name}"), x, name);
        }
    }
    match (&v.exchange_rate, &v.exchange_rate_date) {
        (Some(r), date) => {
            if let Some(d) = c.decimal("/valuation/exchange_rate", r, "exchange rate") {
                if d == Decimal::ZERO {
                    c.error(
                        "decimal-format",
                        "/valuation/exchange_rate",
                        Some(r),
                        "the exchange rate is zero",
                        "enter the rate published for the declaration date",
                    );
                }
            }
            match date {
                Some(d) => c.date("/valuation/exchange_rate_date", d),
                None => c.required("/valuation/exchange_rate_date", "date of the exchange rate"),
            }
        }
        (None, Some(d)) => c.date("/valuation/exchange_rate_date", d),
        (None, None) => {}
    }
    exponent
}

struct LineTotals {
    value: Option<Decimal>,
    net: Option<Decimal>,
    gross: Option<Decimal>,
    packages: u64,
}

fn goods_line(
    c: &mut Checks,
    i: usize,
    l: &GoodsLine,
    lists: &CodeLists,
    exponent: Option<u32>,
) -> LineTotals {
    let p = |f: &str| format!("/lines/{i}/{f}");
    let n = i + 1;
    if l.description.trim().is_empty() {
        c.required(
            &p("description"),
            &format!("description of goods of line {n}"),
        );
    }
    commodity(c, &p("commodity"), &l.commodity, lists);
    match &l.origin_country {
        Some(o) => c.country(&p("origin_country"), o, "country of origin"),
        None => c.required(
            &p("origin_country"),
            &format!("country of origin of line {n}"),
        ),
    }
    if let Some(po) = &l.preferential_origin {
        c.country(
            &p("preferential_origin/country"),
            &po.country,
            "preferential origin",
        );
        if po.proof.trim().is_empty() {
            c.required(
                &p("preferential_origin/proof"),
                "proof of preferential origin",
            );
        }
    }
    let net = opt(
        c,
        &p("net_mass_kg"),
        &l.net_mass_kg,
        &format!("net mass of line {n}"),
    )
    .and_then(|v| c.decimal(&p("net_mass_kg"), v, "net mass"));
    let gross = opt(
        c,
        &p("gross_mass_kg"),
        &l.gross_mass_kg,
        &format!("gross mass of line {n}"),
    )
    .and_then(|v| c.decimal(&p("gross_mass_kg"), v, "gross mass"));
    if let (Some(a), Some(b)) = (net, gross) {
        if a > b {
            c.error(
                "net-above-gross",
                &p("net_mass_kg"),
                l.net_mass_kg.as_deref(),
                format!("line {n}: the net mass {a} kg is above the gross mass {b} kg"),
                "the gross mass includes the packaging: check both figures",
            );
        }
    }
    let mut packages = 0;
    for (j, k) in l.packages.iter().enumerate() {
        let kp = p(&format!("packages/{j}/kind"));
        if !(k.kind.len() == 2
            && k.kind
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
        {
            c.error(
                "package-kind",
                &kp,
                Some(&k.kind),
                format!(
                    "{:?} is not a UN/ECE Recommendation 21 package code",
                    k.kind
                ),
                "use the two-character code (BG bag, CT carton, PK package, PX pallet)",
            );
        }
        packages += k.number;
    }
    let value = opt(c, &p("value"), &l.value, &format!("value of line {n}")).and_then(|v| {
        let d = c.decimal(&p("value"), v, "value")?;
        let e = exponent?;
        if d.scale() > e {
            c.warning("amount-precision", &p("value"), Some(v), format!("line {n}: {v} has more decimals than the currency's {e}; it counts as {} in the total", d.round(e)), format!("round the value to {e} decimals as the invoice does"));
        }
        Some(d.round(e))
    });
    if let Some(q) = &l.quantity {
        c.decimal(&p("quantity/value"), &q.value, "quantity");
        if !(q.unit.len() >= 2
            && q.unit.len() <= 3
            && q.unit
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
        {
            c.error(
                "unit-format",
                &p("quantity/unit"),
                Some(&q.unit),
                format!("{:?} is not a UN/ECE Recommendation 20 unit code", q.unit),
                "use the code (KGM kilogram, NAR number of articles, LTR litre)",
            );
        }
    }
    for (j, item) in l.items.iter().enumerate() {
        let ip = p(&format!("items/{j}/id"));
        match crate::gs1::Gs1Id::from_digital_link(&item.id) {
            Ok(
                crate::gs1::Gs1Id::Lgtin(..)
                | crate::gs1::Gs1Id::Sgtin(..)
                | crate::gs1::Gs1Id::Sscc(..),
            ) => {}
            _ => c.error(
                "item-id",
                &ip,
                Some(&item.id),
                "not a lot, serial or SSCC as a GS1 Digital Link",
                "pick the lot, serial or SSCC from the ledger (GTIN/LOT, GTIN/SERIAL or an SSCC)",
            ),
        }
        if let Some(q) = &item.quantity {
            c.decimal(
                &p(&format!("items/{j}/quantity")),
                q,
                "quantity taken from the lot",
            );
        }
    }
    LineTotals {
        value,
        net,
        gross,
        packages,
    }
}

fn commodity(c: &mut Checks, path: &str, k: &Commodity, lists: &CodeLists) {
    let hs = k.hs.as_str();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if hs.is_empty() {
        c.required(&format!("{path}/hs"), "HS code");
    } else if !digits(hs, 6) {
        c.error(
            "hs-format",
            &format!("{path}/hs"),
            Some(hs),
            format!("{hs:?} is not a 6-digit HS subheading"),
            "write the six digits of the HS 2022 subheading without dots (090111)",
        );
    } else if !lists.hs.contains_key(hs) {
        c.error("hs-unknown", &format!("{path}/hs"), Some(hs), format!("{hs} is not an HS 2022 subheading"), "look the goods up in the HS 2022 nomenclature (HS codes changed in 2022), or update the code list in the home's codelists/ folder");
    }
    for (name, v, n, base) in [
        ("cn", &k.cn, 8usize, hs),
        ("taric", &k.taric, 10, k.cn.as_deref().unwrap_or(hs)),
        ("htsus", &k.htsus, 10, hs),
    ] {
        if let Some(v) = v {
            let field = format!("{path}/{name}");
            if !digits(v, n) {
                c.error(
                    &format!("{name}-format"),
                    &field,
                    Some(v),
                    format!("{v:?} is not a {n}-digit {} code", name.to_uppercase()),
                    format!("write the {n} digits without dots or spaces"),
                );
            } else if (digits(base, 6) || digits(base, 8)) && !v.starts_with(base) {
                c.error(
                    &format!("{name}-format"),
                    &field,
                    Some(v),
                    format!("{v} does not extend {base}"),
                    format!(
                        "the {} code starts with the digits of the code above it",
                        name.to_uppercase()
                    ),
                );
            }
        }
    }
}

fn documents(c: &mut Checks, docs: &[Document]) {
    for (i, d) in docs.iter().enumerate() {
        let p = |f: &str| format!("/documents/{i}/{f}");
        if d.code.trim().is_empty() {
            c.required(&p("code"), "document type code");
        }
        if d.reference.trim().is_empty() {
            c.required(&p("reference"), "document reference");
        }
        if let Some(date) = &d.date {
            c.date(&p("date"), date);
        }
        if let Some(f) = &d.file {
            if !(f.sha256.len() == 64
                && f.sha256
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
            {
                c.error(
                    "attachment-hash",
                    &p("file/sha256"),
                    Some(&f.sha256),
                    "not a lowercase hex SHA-256",
                    "attach the file again",
                );
            }
        }
        if d.code == "EUDR-DDS"
            && d.verification
                .as_deref()
                .is_none_or(|v| v.trim().is_empty())
        {
            c.required(
                &p("verification"),
                "verification number of the due-diligence statement",
            );
        }
    }
}

/// True if any finding is an error (sealing is refused).
pub fn has_errors(checks: &[Check]) -> bool {
    checks.iter().any(|c| c.severity == FindingSeverity::Error)
}
