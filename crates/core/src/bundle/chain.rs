//! Checks across the events of a bundle, whoever signed them: custody hand-overs
//! (what was shipped is what was received, from and to the same parties), mass balance
//! of transformations, time order, cloned identifiers, and the verified share of the
//! goods' quantity (UNTP's verified ratio, computed from the chain).
//!
//! A bundle may hold a million events, so each is kept compact: every string (ids,
//! units, steps, parties, authors) is interned once in [`Names`] and named by number.

use super::verify::FindingSeverity;
use crate::epcis::Role;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// Interned strings: each distinct string stored once, named by its number.
#[derive(Default)]
pub(super) struct Names {
    ids: HashMap<Rc<str>, u32>,
    names: Vec<Rc<str>>,
}

impl Names {
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(n) = self.ids.get(s) {
            return *n;
        }
        let rc: Rc<str> = Rc::from(s);
        let n = self.names.len() as u32;
        self.names.push(rc.clone());
        self.ids.insert(rc, n);
        n
    }

    pub fn get(&self, n: u32) -> &str {
        &self.names[n as usize]
    }
}

/// One identifier of an event.
pub(super) struct Obj {
    pub id: u32,
    pub role: Role,
    pub quantity: Option<f64>,
    pub uom: Option<u32>,
}

/// What the chain checks need of one event.
pub(super) struct ChainEvent {
    pub line: u64,
    pub author: u32,
    /// The digest of its CBV 2.0 hash id.
    pub hash_id: [u8; 32],
    pub time_ms: i64,
    /// When the author's ledger recorded it.
    pub entry_ms: i64,
    pub event_type: u32,
    pub action: Option<u32>,
    pub biz_step: Option<u32>,
    pub objects: Box<[Obj]>,
    /// (type, party or location) of sourceList / destinationList, types as CBV short names.
    pub sources: Box<[(u32, u32)]>,
    pub destinations: Box<[(u32, u32)]>,
    /// Signed by a trusted (or own) key not revoked at the time, with no error found on it.
    pub sound: bool,
}

/// The events of a bundle and the strings they name.
#[derive(Default)]
pub(super) struct Chain {
    pub events: Vec<ChainEvent>,
    pub names: Names,
}

/// The text form of a CBV 2.0 hash id digest.
pub(super) fn hash_id_text(digest: &[u8; 32]) -> String {
    format!("ni:///sha-256;{}?ver=CBV2.0", hex::encode(digest))
}

pub(super) struct Problem {
    pub code: &'static str,
    pub severity: FindingSeverity,
    pub line: u64,
    pub author: String,
    pub event: String,
    pub message: String,
}

/// Recorded an hour or more before it happened: a clock problem, or a forged time.
const CLOCK_TOLERANCE_MS: i64 = 3_600_000;
/// A hand-over may be recorded out of order by this much (clocks of two parties).
const ORDER_TOLERANCE_MS: i64 = 3_600_000;
const MASS_TOLERANCE: f64 = crate::trace::MASS_TOLERANCE;

impl Chain {
    fn step(&self, e: &ChainEvent) -> &str {
        e.biz_step
            .map(|n| self.names.get(n))
            .map(|s| s.rsplit(['-', ':', '/']).next().unwrap_or(s))
            .unwrap_or("")
    }

    fn is(&self, n: Option<u32>, what: &str) -> bool {
        n.is_some_and(|n| self.names.get(n) == what)
    }

    fn mass(&self, o: &Obj) -> Option<(&'static str, f64)> {
        let (dim, factor) = crate::trace::unit(o.uom.map(|u| self.names.get(u)))?;
        Some((dim, o.quantity? * factor))
    }

    /// Amounts by identifier (instances count 1), for comparing hand-overs.
    fn amounts(&self, e: &ChainEvent) -> HashMap<u32, f64> {
        let mut m = HashMap::new();
        for o in e.objects.iter().filter(|o| o.role == Role::Object) {
            *m.entry(o.id).or_default() += self.mass(o).map_or(1.0, |(_, q)| q);
        }
        m
    }

    fn label(&self, id: u32) -> String {
        crate::trace::label_of(self.names.get(id))
    }
}

/// A custody hand-over between two signers: how many receipts matched shipments, and
/// whether any of them had a custody or time problem.
pub(super) struct HandOver {
    pub from: String,
    pub to: String,
    pub receipts: u64,
    pub ok: bool,
}

pub(super) fn check(
    chain: &Chain,
    subject: Option<&str>,
) -> (Vec<Problem>, Option<f64>, Vec<HandOver>) {
    let events = &chain.events;
    let names = &chain.names;
    let mut out = Vec::new();
    // A broken chain is a gap (the verdict is incomplete), not a forgery; one identity
    // created twice means one of the goods is forged (failed). findings.md says why.
    let mut problem = |code: &'static str, e: &ChainEvent, message: String| {
        let severity = if code == "cloned-id" {
            FindingSeverity::Error
        } else {
            FindingSeverity::Gap
        };
        out.push(Problem {
            code,
            severity,
            line: e.line,
            author: names.get(e.author).to_string(),
            event: hash_id_text(&e.hash_id),
            message,
        });
    };

    // Plausible clocks: an event recorded long before it happened.
    for e in events {
        if e.time_ms > e.entry_ms + CLOCK_TOLERANCE_MS {
            problem(
                "clock-implausible",
                e,
                format!(
                    "the event is dated {} hours after its author's ledger recorded it",
                    (e.time_ms - e.entry_ms) / 3_600_000
                ),
            );
        }
    }

    // Custody: every receipt matches a shipment of the same goods, to the receiver.
    let mut shipped_by: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, e) in events
        .iter()
        .enumerate()
        .filter(|(_, e)| chain.step(e) == "shipping")
    {
        for o in e.objects.iter().filter(|o| o.role == Role::Object) {
            shipped_by.entry(o.id).or_default().push(i);
        }
    }
    // (shipper, receiver, line of the receipt) of each matched hand-over.
    let mut matched: Vec<(u32, u32, u64)> = Vec::new();
    for r in events.iter().filter(|e| chain.step(e) == "receiving") {
        let received = chain.amounts(r);
        if received.is_empty() {
            continue;
        }
        let mut idx: Vec<usize> = received
            .keys()
            .filter_map(|k| shipped_by.get(k))
            .flatten()
            .copied()
            .collect();
        idx.sort_unstable();
        idx.dedup();
        let candidates: Vec<&ChainEvent> = idx.iter().map(|i| &events[*i]).collect();
        for c in &candidates {
            matched.push((c.author, r.author, r.line));
        }
        if candidates.is_empty() {
            problem("custody-gap", r, "goods were received that no shipment in the chain sent: the hand-over from the previous holder is missing".into());
            continue;
        }
        let mut shipped: HashMap<u32, f64> = HashMap::new();
        for s in &candidates {
            for (k, q) in chain.amounts(s) {
                *shipped.entry(k).or_default() += q;
            }
            if s.time_ms > r.time_ms + ORDER_TOLERANCE_MS {
                problem(
                    "time-order",
                    r,
                    format!(
                        "received {} hours before it was shipped",
                        (s.time_ms - r.time_ms) / 3_600_000
                    ),
                );
            }
        }
        let mut received: Vec<(u32, f64)> = received.into_iter().collect();
        received.sort_by_key(|(id, _)| *id);
        for (id, q) in &received {
            let sent = shipped.get(id).copied().unwrap_or(0.0);
            if *q > sent * (1.0 + MASS_TOLERANCE) + 1e-9 {
                problem(
                    "custody-quantity",
                    r,
                    format!(
                        "received {q} of {} but {sent} was shipped",
                        chain.label(*id)
                    ),
                );
            }
        }
        // From and to the same parties, where both sides say.
        for s in &candidates {
            for (kind, party) in r.sources.iter() {
                if let Some((_, other)) = s.sources.iter().find(|(k, _)| k == kind) {
                    if other != party {
                        let (kind, party, other) =
                            (names.get(*kind), names.get(*party), names.get(*other));
                        problem("custody-party", r, format!("received from {party} ({kind}), but the shipment came from {other}"));
                    }
                }
            }
            for (kind, party) in r.destinations.iter() {
                if let Some((_, other)) = s.destinations.iter().find(|(k, _)| k == kind) {
                    if other != party {
                        let (kind, party, other) =
                            (names.get(*kind), names.get(*party), names.get(*other));
                        problem(
                            "custody-party",
                            r,
                            format!(
                                "received by {party} ({kind}), but the shipment went to {other}"
                            ),
                        );
                    }
                }
            }
        }
    }

    // Where each identifier was made: a transformation output, or an ADD observation.
    let mut made_at: HashMap<u32, usize> = HashMap::new();
    for (i, e) in events.iter().enumerate() {
        for o in e.objects.iter() {
            if o.role == Role::Output || (o.role == Role::Object && chain.is(e.action, "ADD")) {
                made_at.entry(o.id).or_insert(i);
            }
        }
    }
    // Mass balance of each transformation.
    for t in events
        .iter()
        .filter(|e| names.get(e.event_type) == "TransformationEvent")
    {
        let sum = |role| -> Option<(&'static str, f64)> {
            let mut dim = None;
            let mut total = 0.0;
            for o in t.objects.iter().filter(|o| o.role == role) {
                let (d, q) = chain.mass(o)?;
                if dim.is_some_and(|x| x != d) {
                    return None;
                }
                dim = Some(d);
                total += q;
            }
            dim.map(|d| (d, total))
        };
        if let (Some((di, i)), Some((dout, o))) = (sum(Role::Input), sum(Role::Output)) {
            if di == dout && di != "count" && o > i * (1.0 + MASS_TOLERANCE) {
                problem(
                    "mass-gain",
                    t,
                    format!("{o} out from {i} in: the transformation made more than went into it"),
                );
            }
        }
        // An output made before its inputs existed.
        for o in t.objects.iter().filter(|o| o.role == Role::Input) {
            if let Some(c) = made_at.get(&o.id).map(|i| &events[*i]) {
                if c.time_ms > t.time_ms + ORDER_TOLERANCE_MS {
                    problem(
                        "time-order",
                        t,
                        format!(
                            "{} was used {} hours before it was made",
                            chain.label(o.id),
                            (c.time_ms - t.time_ms) / 3_600_000
                        ),
                    );
                }
            }
        }
    }

    // Cloned identities: one instance created twice (two diverging histories).
    let mut created: HashMap<u32, &ChainEvent> = HashMap::new();
    for e in events {
        for o in e.objects.iter() {
            let instance = o.quantity.is_none()
                && (o.role == Role::Output
                    || (o.role == Role::Object
                        && chain.is(e.action, "ADD")
                        && chain.step(e) == "commissioning"));
            if instance {
                if let Some(first) = created.insert(o.id, e) {
                    if first.hash_id != e.hash_id {
                        problem("cloned-id", e, format!("{} was created twice (also by event {}): two goods carry one identity", chain.label(o.id), hash_id_text(&first.hash_id)));
                    }
                }
            }
        }
    }

    // What a custody, quantity or order problem touches is not proven by the chain.
    let gap_lines: HashSet<u64> = out
        .iter()
        .filter(|p| p.code != "clock-implausible" && p.severity == FindingSeverity::Gap)
        .map(|p| p.line)
        .collect();
    let mut index = Index::new(chain);
    for e in events.iter().filter(|e| gap_lines.contains(&e.line)) {
        index.unproven.extend(e.objects.iter().map(|o| o.id));
    }
    // What was packed in unproven units is unproven too (a pallet's cases, their lots);
    // nothing to spread in an intact chain, the common case.
    while !index.unproven.is_empty() {
        let before = index.unproven.len();
        for e in events {
            if names.get(e.event_type) != "AggregationEvent" || !chain.is(e.action, "ADD") {
                continue;
            }
            if e.objects
                .iter()
                .any(|o| o.role == Role::Parent && index.unproven.contains(&o.id))
            {
                let children: Vec<u32> = e
                    .objects
                    .iter()
                    .filter(|o| o.role == Role::Child)
                    .map(|o| o.id)
                    .collect();
                index.unproven.extend(children);
            }
        }
        if index.unproven.len() == before {
            break;
        }
    }
    let share = subject.map(|s| match chain.names.ids.get(s) {
        Some(id) => verified_share(&index, *id, &mut HashSet::new()),
        None => 0.0,
    });
    let bad_receipts: HashSet<u64> = out
        .iter()
        .filter(|p| p.code.starts_with("custody-") || p.code == "time-order")
        .map(|p| p.line)
        .collect();
    let mut edges: std::collections::BTreeMap<(u32, u32), (u64, bool)> = Default::default();
    for (from, to, line) in matched {
        let e = edges.entry((from, to)).or_insert((0, true));
        e.0 += 1;
        e.1 &= !bad_receipts.contains(&line);
    }
    let handovers = edges
        .into_iter()
        .filter(|((f, t), _)| f != t)
        .map(|((f, t), (n, ok))| HandOver {
            from: names.get(f).to_string(),
            to: names.get(t).to_string(),
            receipts: n,
            ok,
        })
        .collect();
    (out, share, handovers)
}

/// How each identifier was made, for the verified share.
struct Index<'e> {
    chain: &'e Chain,
    /// Output of a transformation.
    made_by: HashMap<u32, usize>,
    /// Parent of an ADD aggregation.
    packed: HashMap<u32, usize>,
    /// Object of a sound ADD ObjectEvent.
    commissioned: HashSet<u32>,
    /// Goods a custody, quantity or order problem touches: their origin is not proven.
    unproven: HashSet<u32>,
}

impl<'e> Index<'e> {
    fn new(chain: &'e Chain) -> Index<'e> {
        let mut ix = Index {
            chain,
            made_by: HashMap::new(),
            packed: HashMap::new(),
            commissioned: HashSet::new(),
            unproven: HashSet::new(),
        };
        for (i, e) in chain.events.iter().enumerate() {
            let kind = chain.names.get(e.event_type);
            let add = chain.is(e.action, "ADD");
            for o in e.objects.iter() {
                match (kind, o.role, add) {
                    ("TransformationEvent", Role::Output, _) => {
                        ix.made_by.entry(o.id).or_insert(i);
                    }
                    ("AggregationEvent", Role::Parent, true) => {
                        ix.packed.entry(o.id).or_insert(i);
                    }
                    ("ObjectEvent", Role::Object, true) if e.sound => {
                        ix.commissioned.insert(o.id);
                    }
                    _ => {}
                }
            }
        }
        ix
    }
}

/// The share of `id`'s quantity whose origin is verified: 1 for goods created by a sound
/// commissioning event; through a transformation, the inputs' shares weighted by
/// quantity (times the transformation's own soundness); a container, its contents'.
fn verified_share(ix: &Index<'_>, id: u32, seen: &mut HashSet<u32>) -> f64 {
    if !seen.insert(id) || ix.unproven.contains(&id) {
        return 0.0;
    }
    let events = &ix.chain.events;
    let step = ix
        .made_by
        .get(&id)
        .map(|i| (&events[*i], Role::Input))
        .or_else(|| ix.packed.get(&id).map(|i| (&events[*i], Role::Child)));
    if let Some((e, role)) = step {
        let parts: Vec<&Obj> = e.objects.iter().filter(|o| o.role == role).collect();
        let weights: Vec<f64> = parts
            .iter()
            .map(|o| ix.chain.mass(o).map_or(1.0, |(_, q)| q))
            .collect();
        let total: f64 = weights.iter().sum();
        if !e.sound || total <= 0.0 {
            return 0.0;
        }
        return parts
            .iter()
            .zip(&weights)
            .map(|(o, w)| w / total * verified_share(ix, o.id, seen))
            .sum();
    }
    if ix.commissioned.contains(&id) {
        1.0
    } else {
        0.0
    }
}
