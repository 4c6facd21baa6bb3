//! Checks across the events of a bundle, whoever signed them: custody hand-overs
//! (what was shipped is what was received, from and to the same parties), mass balance
//! of transformations, time order, cloned identifiers, and the verified share of the
//! goods' quantity (UNTP's verified ratio, computed from the chain).

use crate::epcis::{ObjectRef, Role};
use std::collections::{HashMap, HashSet};

/// What the chain checks need of one event.
pub(super) struct ChainEvent {
    pub line: u64,
    pub author: String,
    pub hash_id: String,
    pub time_ms: i64,
    /// When the author's ledger recorded it.
    pub entry_ms: i64,
    pub event_type: String,
    pub action: Option<String>,
    pub biz_step: Option<String>,
    pub objects: Vec<ObjectRef>,
    /// (type, party or location) of sourceList / destinationList, types as CBV short names.
    pub sources: Vec<(String, String)>,
    pub destinations: Vec<(String, String)>,
    /// Signed by a trusted (or own) key not revoked at the time, with no error found on it.
    pub sound: bool,
}

pub(super) struct Problem {
    pub code: &'static str,
    pub error: bool,
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

fn step(e: &ChainEvent) -> &str {
    e.biz_step
        .as_deref()
        .map(|s| s.rsplit(['-', ':', '/']).next().unwrap_or(s))
        .unwrap_or("")
}

fn mass(o: &ObjectRef) -> Option<(&'static str, f64)> {
    let (dim, factor) = crate::trace::unit(o.uom.as_deref())?;
    Some((dim, o.quantity? * factor))
}

/// Amounts by identifier (instances count 1), for comparing hand-overs.
fn amounts(e: &ChainEvent) -> HashMap<&str, f64> {
    let mut m = HashMap::new();
    for o in &e.objects {
        if o.role == Role::Object {
            *m.entry(o.id.as_str()).or_default() += mass(o).map_or(1.0, |(_, q)| q);
        }
    }
    m
}

pub(super) fn check(events: &[ChainEvent], subject: Option<&str>) -> (Vec<Problem>, Option<f64>) {
    let mut out = Vec::new();
    let mut problem = |code, error, e: &ChainEvent, message: String| {
        out.push(Problem {
            code,
            error,
            line: e.line,
            author: e.author.clone(),
            event: e.hash_id.clone(),
            message,
        });
    };

    // Plausible clocks: an event recorded long before it happened.
    for e in events {
        if e.time_ms > e.entry_ms + CLOCK_TOLERANCE_MS {
            problem(
                "clock-implausible",
                false,
                e,
                format!(
                    "the event is dated {} hours after its author's ledger recorded it",
                    (e.time_ms - e.entry_ms) / 3_600_000
                ),
            );
        }
    }

    // Custody: every receipt matches a shipment of the same goods, to the receiver.
    let mut shipped_by: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in events
        .iter()
        .enumerate()
        .filter(|(_, e)| step(e) == "shipping")
    {
        for o in e.objects.iter().filter(|o| o.role == Role::Object) {
            shipped_by.entry(o.id.as_str()).or_default().push(i);
        }
    }
    for r in events.iter().filter(|e| step(e) == "receiving") {
        let received = amounts(r);
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
        if candidates.is_empty() {
            problem("custody-gap", true, r, "goods were received that no shipment in the chain sent: the hand-over from the previous holder is missing".into());
            continue;
        }
        let mut shipped: HashMap<&str, f64> = HashMap::new();
        for s in &candidates {
            for (k, q) in amounts(s) {
                *shipped.entry(k).or_default() += q;
            }
            if s.time_ms > r.time_ms + ORDER_TOLERANCE_MS {
                problem(
                    "time-order",
                    true,
                    r,
                    format!(
                        "received {} hours before it was shipped",
                        (s.time_ms - r.time_ms) / 3_600_000
                    ),
                );
            }
        }
        for (id, q) in &received {
            let sent = shipped.get(id).copied().unwrap_or(0.0);
            if *q > sent * (1.0 + MASS_TOLERANCE) + 1e-9 {
                problem(
                    "custody-quantity",
                    true,
                    r,
                    format!(
                        "received {q} of {} but {sent} was shipped",
                        crate::trace::label_of(id)
                    ),
                );
            }
        }
        // From and to the same parties, where both sides say.
        for s in &candidates {
            for (kind, party) in &r.sources {
                if let Some((_, other)) = s.sources.iter().find(|(k, _)| k == kind) {
                    if other != party {
                        problem("custody-party", true, r, format!("received from {party} ({kind}), but the shipment came from {other}"));
                    }
                }
            }
            for (kind, party) in &r.destinations {
                if let Some((_, other)) = s.destinations.iter().find(|(k, _)| k == kind) {
                    if other != party {
                        problem(
                            "custody-party",
                            true,
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
    let mut made_at: HashMap<&str, usize> = HashMap::new();
    for (i, e) in events.iter().enumerate() {
        for o in &e.objects {
            if o.role == Role::Output
                || (o.role == Role::Object && e.action.as_deref() == Some("ADD"))
            {
                made_at.entry(o.id.as_str()).or_insert(i);
            }
        }
    }
    // Mass balance of each transformation.
    for t in events
        .iter()
        .filter(|e| e.event_type == "TransformationEvent")
    {
        let sum = |role| -> Option<(&'static str, f64)> {
            let mut dim = None;
            let mut total = 0.0;
            for o in t.objects.iter().filter(|o| o.role == role) {
                let (d, q) = mass(o)?;
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
                    true,
                    t,
                    format!("{o} out from {i} in: the transformation made more than went into it"),
                );
            }
        }
        // An output made before its inputs existed.
        for o in t.objects.iter().filter(|o| o.role == Role::Input) {
            if let Some(c) = made_at.get(o.id.as_str()).map(|i| &events[*i]) {
                if c.time_ms > t.time_ms + ORDER_TOLERANCE_MS {
                    problem(
                        "time-order",
                        true,
                        t,
                        format!(
                            "{} was used {} hours before it was made",
                            crate::trace::label_of(&o.id),
                            (c.time_ms - t.time_ms) / 3_600_000
                        ),
                    );
                }
            }
        }
    }

    // Cloned identities: one instance created twice (two diverging histories).
    let mut created: HashMap<&str, &ChainEvent> = HashMap::new();
    for e in events {
        for o in &e.objects {
            let instance = o.quantity.is_none()
                && (o.role == Role::Output
                    || (o.role == Role::Object
                        && e.action.as_deref() == Some("ADD")
                        && step(e) == "commissioning"));
            if instance {
                if let Some(first) = created.insert(&o.id, e) {
                    if first.hash_id != e.hash_id {
                        problem("cloned-id", true, e, format!("{} was created twice (also by event {}): two goods carry one identity", crate::trace::label_of(&o.id), first.hash_id));
                    }
                }
            }
        }
    }

    let index = Index::new(events);
    let share = subject.map(|s| verified_share(&index, s, &mut HashSet::new()));
    (out, share)
}

/// How each identifier was made, for the verified share.
struct Index<'e> {
    events: &'e [ChainEvent],
    /// Output of a transformation.
    made_by: HashMap<&'e str, usize>,
    /// Parent of an ADD aggregation.
    packed: HashMap<&'e str, usize>,
    /// Object of a sound ADD ObjectEvent.
    commissioned: HashSet<&'e str>,
}

impl<'e> Index<'e> {
    fn new(events: &'e [ChainEvent]) -> Index<'e> {
        let mut ix = Index {
            events,
            made_by: HashMap::new(),
            packed: HashMap::new(),
            commissioned: HashSet::new(),
        };
        for (i, e) in events.iter().enumerate() {
            for o in &e.objects {
                match (e.event_type.as_str(), o.role, e.action.as_deref()) {
                    ("TransformationEvent", Role::Output, _) => {
                        ix.made_by.entry(o.id.as_str()).or_insert(i);
                    }
                    ("AggregationEvent", Role::Parent, Some("ADD")) => {
                        ix.packed.entry(o.id.as_str()).or_insert(i);
                    }
                    ("ObjectEvent", Role::Object, Some("ADD")) if e.sound => {
                        ix.commissioned.insert(o.id.as_str());
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
fn verified_share(ix: &Index<'_>, id: &str, seen: &mut HashSet<String>) -> f64 {
    if !seen.insert(id.to_string()) {
        return 0.0;
    }
    let step = ix
        .made_by
        .get(id)
        .map(|i| (&ix.events[*i], Role::Input))
        .or_else(|| ix.packed.get(id).map(|i| (&ix.events[*i], Role::Child)));
    if let Some((e, role)) = step {
        let parts: Vec<&ObjectRef> = e.objects.iter().filter(|o| o.role == role).collect();
        let weights: Vec<f64> = parts
            .iter()
            .map(|o| mass(o).map_or(1.0, |(_, q)| q))
            .collect();
        let total: f64 = weights.iter().sum();
        if !e.sound || total <= 0.0 {
            return 0.0;
        }
        return parts
            .iter()
            .zip(&weights)
            .map(|(o, w)| w / total * verified_share(ix, &o.id, seen))
            .sum();
    }
    if ix.commissioned.contains(id) {
        1.0
    } else {
        0.0
    }
}
