//! A namespace-aware pull reader of EPCIS XML with bounded work: element heads with
//! their line and column, and small element trees for one event or vocabulary at a time.
//!
//! What it refuses, and why: entity declarations (a DOCTYPE internal subset; no entity is
//! ever expanded, so entity bombs cannot grow), references to undeclared entities, nesting
//! deeper than `MAX_DEPTH`, trees larger than `MAX_TREE_BYTES`, and encodings other than
//! UTF-8. Every refusal names the line and column.

use crate::error::{Error, Result};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use std::collections::VecDeque;
use std::io::BufRead;

/// Deepest element nesting accepted; EPCIS events need about ten levels.
pub const MAX_DEPTH: usize = 64;
/// Largest element tree (one event or vocabulary), counted in bytes of names, attribute
/// values and text; an event entry is at most 1 MiB anyway.
pub const MAX_TREE_BYTES: usize = 4 << 20;

/// Where something is in the document (1-based; the column counts bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    pub line: u64,
    pub col: u64,
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "line {}, column {}", self.line, self.col)
    }
}

/// A qualified name: the namespace (`None` for unqualified names) and the local part, with
/// the prefix it was written with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub ns: Option<String>,
    pub local: String,
    pub prefix: Option<String>,
}

impl Name {
    /// `local` when unqualified, `prefix:local` otherwise: as the document wrote it.
    pub fn written(&self) -> String {
        match &self.prefix {
            Some(p) => {
                let mut w = String::with_capacity(p.len() + 1 + self.local.len());
                w.push_str(p);
                w.push(':');
                w.push_str(&self.local);
                w
            }
            None => self.local.clone(),
        }
    }

    pub fn is(&self, local: &str) -> bool {
        self.ns.is_none() && self.local == local
    }
}

#[derive(Clone, Debug)]
pub struct Attribute {
    pub name: Name,
    pub value: String,
}

/// An element's start tag.
#[derive(Clone, Debug)]
pub struct Head {
    pub name: Name,
    pub attrs: Vec<Attribute>,
    pub at: Pos,
    /// `<x/>`: no content and no end tag follow.
    pub empty: bool,
}

impl Head {
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name.ns.is_none() && a.name.local == local)
            .map(|a| a.value.as_str())
    }
}

/// One element with everything inside it. `text` is the character data before the first
/// child element (trimmed), which is all of it for the leaf elements EPCIS uses.
#[derive(Clone, Debug)]
pub struct Element {
    pub name: Name,
    pub attrs: Vec<Attribute>,
    pub children: Vec<Element>,
    pub text: String,
    pub at: Pos,
}

impl Element {
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name.ns.is_none() && a.name.local == local)
            .map(|a| a.value.as_str())
    }

    /// `xsi:nil="true"` (or `1`).
    pub fn is_nil(&self) -> bool {
        self.attrs.iter().any(|a| {
            a.name.ns.as_deref() == Some(XSI) && a.name.local == "nil" && {
                let v = a.value.trim();
                v == "true" || v == "1"
            }
        })
    }
}

/// The XML Schema instance namespace (`xsi:type`, `xsi:nil`, `xsi:schemaLocation`).
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// What the reader hands out next.
pub enum Item {
    Start(Head),
    End,
    /// Character data (CDATA included) between tags.
    Text(String),
    Eof,
}

/// Counts lines as the parser consumes input, so byte offsets become line and column.
struct Lines<R> {
    inner: R,
    offset: u64,
    /// Offsets at which recent lines start, with the number of lines before the first.
    starts: VecDeque<u64>,
    dropped: u64,
    cursor: std::cell::Cell<usize>,
}

impl<R: BufRead> Lines<R> {
    fn new(inner: R) -> Lines<R> {
        let mut starts = VecDeque::new();
        starts.push_back(0);
        Lines {
            inner,
            offset: 0,
            starts,
            dropped: 0,
            cursor: std::cell::Cell::new(0),
        }
    }

    fn pos(&self, offset: u64) -> Pos {
        // Positions asked for mostly move forward: walk on from the last answer.
        let mut i = self.cursor.get().min(self.starts.len() - 1);
        if self.starts[i] > offset {
            i = self.starts.partition_point(|&s| s <= offset).max(1) - 1;
        } else {
            while i + 1 < self.starts.len() && self.starts[i + 1] <= offset {
                i += 1;
            }
        }
        self.cursor.set(i);
        Pos {
            line: self.dropped + i as u64 + 1,
            col: offset.saturating_sub(self.starts[i]) + 1,
        }
    }
}

impl<R: BufRead> std::io::Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let data = self.fill_buf()?;
            let n = data.len().min(buf.len());
            buf[..n].copy_from_slice(&data[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Lines<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if let Ok(data) = self.inner.fill_buf() {
            let data = &data[..amt.min(data.len())];
            for i in memchr::memchr_iter(b'\n', data) {
                self.starts.push_back(self.offset + i as u64 + 1);
            }
            // Errors point at most a few lines back; keep a bounded window.
            while self.starts.len() > 1 << 16 {
                self.starts.pop_front();
                self.dropped += 1;
                self.cursor.set(self.cursor.get().saturating_sub(1));
            }
        }
        self.offset += amt as u64;
        self.inner.consume(amt);
    }
}

/// The pull reader.
pub struct Reader<R: BufRead> {
    xml: NsReader<Lines<R>>,
    buf: Vec<u8>,
    /// Open elements (written names, for messages), outermost first.
    open: Vec<(String, Pos)>,
    /// Whether the root element was seen (and closed, when `open` is empty again).
    rooted: bool,
    /// Whether the caller keeps the next character data; when not, `next` skips it
    /// without copying it.
    want_text: bool,
}

fn refuse(at: Pos, reason: impl Into<String>) -> Error {
    Error::InvalidDocument {
        place: at.to_string(),
        reason: reason.into(),
    }
}

impl<R: BufRead> Reader<R> {
    pub fn new(r: R) -> Reader<R> {
        let mut xml = NsReader::from_reader(Lines::new(r));
        let cfg = xml.config_mut();
        cfg.check_end_names = true;
        cfg.expand_empty_elements = false;
        xml.resolver_mut().set_max_namespace_bindings(4096);
        Reader {
            xml,
            buf: Vec::with_capacity(4096),
            open: Vec::new(),
            rooted: false,
            want_text: false,
        }
    }

    fn pos_of(&self, offset: u64) -> Pos {
        self.xml.get_ref().pos(offset)
    }

    /// Where the reader is now.
    pub fn pos(&self) -> Pos {
        self.pos_of(self.xml.buffer_position())
    }

    /// The open elements, outermost first, as written.
    pub fn path(&self) -> String {
        self.open
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join("/")
    }

    fn parse_error(&self, e: quick_xml::Error) -> Error {
        let at = self.pos_of(self.xml.error_position());
        let what = e.to_string();
        let hint = if what.contains("EOF") || what.contains("end of") {
            "the file ends inside markup: it may be truncated"
        } else if what.contains("xpected") && what.contains("</") {
            "an end tag does not match the element it closes"
        } else {
            "this is not well-formed XML"
        };
        refuse(at, format!("{what} ({hint})"))
    }

    /// The next item of the document. Returns `Eof` only after the root element closed.
    pub fn next(&mut self) -> Result<Item> {
        loop {
            let start = self.xml.buffer_position();
            self.buf.clear();
            let event = match self.xml.read_event_into(&mut self.buf) {
                Ok(e) => e,
                Err(e) => return Err(self.parse_error(e)),
            };
            // Line and column are worked out only where they are used.
            let at = || self.xml.get_ref().pos(start);
            match event {
                Event::Start(e) | Event::Empty(e) if self.rooted && self.open.is_empty() => {
                    let _ = e;
                    return Err(refuse(at(), "a second root element follows the document's end: a file holds one EPCIS document"));
                }
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let empty = matches!(event, Event::Empty(_));
                    let at = at();
                    let head = head(&self.xml, e, at, empty)?;
                    self.rooted = true;
                    if !empty {
                        if self.open.len() >= MAX_DEPTH {
                            return Err(refuse(at, format!("elements are nested deeper than {MAX_DEPTH} levels, which no EPCIS document needs")));
                        }
                        self.open.push((head.name.written(), at));
                    }
                    return Ok(Item::Start(head));
                }
                Event::End(_) => {
                    self.open.pop();
                    return Ok(Item::End);
                }
                Event::Text(t) => {
                    let text = t.xml10_content().into_owned();
                    if self.open.is_empty() {
                        if text.trim().is_empty() {
                            continue;
                        }
                        return Err(refuse(
                            at(),
                            "text outside the root element: this is not an XML document",
                        ));
                    }
                    return Ok(Item::Text(text));
                }
                Event::CData(t) => {
                    let text = t.xml10_content().into_owned();
                    return Ok(Item::Text(text));
                }
                Event::GeneralRef(r) => {
                    if r.is_char_ref() {
                        match r.resolve_char_ref() {
                            Ok(Some(c)) => return Ok(Item::Text(c.to_string())),
                            _ => {
                                return Err(refuse(
                                    at(),
                                    format!(
                                        "&{}; is not a character reference to a valid character",
                                        r.xml10_content()
                                    ),
                                ))
                            }
                        }
                    }
                    let name = r.xml10_content().into_owned();
                    return match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(v) => Ok(Item::Text(v.to_string())),
                        None => Err(refuse(at(), format!("the entity &{name}; is not declared: TradeSeal expands no entities but the five of XML (&lt; &gt; &amp; &apos; &quot;); write the text itself"))),
                    };
                }
                Event::DocType(t) => {
                    if t.xml10_content().contains('[') {
                        return Err(refuse(at(), "the DOCTYPE declares entities or other markup: TradeSeal refuses them, so that no entity expansion (an \"XML bomb\") can run; remove the DOCTYPE's [...] part"));
                    }
                }
                Event::Decl(d) => {
                    if let Some(Ok(enc)) = d.encoding() {
                        let enc = enc.trim().to_ascii_lowercase();
                        if enc != "utf-8" && enc != "utf8" {
                            return Err(refuse(at(), format!("the document is encoded in {enc}: save it as UTF-8 and import it again")));
                        }
                    }
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => {
                    if let Some((name, opened)) = self.open.last() {
                        return Err(refuse(self.pos(), format!("the file ends inside <{name}> opened at {opened}: it may be truncated")));
                    }
                    if !self.rooted {
                        return Err(refuse(self.pos(), "the file holds no XML element"));
                    }
                    return Ok(Item::Eof);
                }
            }
        }
    }

    /// The rest of the element whose start `head` was just returned, as a tree.
    pub fn tree(&mut self, head: Head) -> Result<Element> {
        let mut budget = MAX_TREE_BYTES;
        self.tree_within(head, &mut budget)
    }

    fn tree_within(&mut self, head: Head, budget: &mut usize) -> Result<Element> {
        let cost = head.name.local.len()
            + head
                .attrs
                .iter()
                .map(|a| a.name.local.len() + a.value.len())
                .sum::<usize>();
        spend(budget, cost, head.at)?;
        let mut el = Element {
            name: head.name,
            attrs: head.attrs,
            children: Vec::new(),
            text: String::new(),
            at: head.at,
        };
        if head.empty {
            return Ok(el);
        }
        let mut text = String::new();
        loop {
            self.want_text = el.children.is_empty();
            let item = self.next();
            self.want_text = false;
            match item? {
                Item::Start(h) => {
                    let child = self.tree_within(h, budget)?;
                    el.children.push(child);
                }
                Item::Text(t) => {
                    if el.children.is_empty() {
                        spend(budget, t.len(), el.at)?;
                        text.push_str(&t);
                    }
                }
                Item::End => break,
                Item::Eof => unreachable!("next() reports a truncated element"),
            }
        }
        el.text = text.trim().to_string();
        Ok(el)
    }

    /// Skips the rest of the element whose start `head` was just returned.
    pub fn skip(&mut self, head: &Head) -> Result<()> {
        if head.empty {
            return Ok(());
        }
        let mut depth = 1usize;
        while depth > 0 {
            match self.next()? {
                Item::Start(h) if !h.empty => depth += 1,
                Item::End => depth -= 1,
                _ => {}
            }
        }
        Ok(())
    }
}

fn spend(budget: &mut usize, cost: usize, at: Pos) -> Result<()> {
    if cost > *budget {
        return Err(refuse(at, format!("this element holds more than {} MiB: an EPCIS event or vocabulary is far smaller; split the document or attach large data by reference", MAX_TREE_BYTES >> 20)));
    }
    *budget -= cost;
    Ok(())
}

fn name_of<R>(
    xml: &NsReader<R>,
    q: quick_xml::name::QName,
    attribute: bool,
    at: Pos,
) -> Result<Name> {
    let (res, local) = if attribute {
        xml.resolver().resolve_attribute(q)
    } else {
        xml.resolver().resolve_element(q)
    };
    let ns = match res {
        ResolveResult::Bound(n) => Some(n.0.to_string()),
        ResolveResult::Unbound => None,
        ResolveResult::Unknown(p) => {
            return Err(refuse(
                at,
                format!(
                "the prefix {p:?} of <{}> is not declared: add xmlns:{p}=\"…\" with its namespace",
                q.0
            ),
            ))
        }
    };
    Ok(Name {
        ns: ns.filter(|n| !n.is_empty()),
        local: local.as_ref().to_string(),
        prefix: q.prefix().map(|p| p.into_inner().to_string()),
    })
}

fn head<R>(xml: &NsReader<R>, e: &BytesStart, at: Pos, empty: bool) -> Result<Head> {
    let name = name_of(xml, e.name(), false, at)?;
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|err| {
            refuse(
                at,
                format!("a malformed attribute in <{}>: {err}", e.name().0),
            )
        })?;
        if a.key.as_namespace_binding().is_some() {
            continue;
        }
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| refuse(at, format!("attribute {} of <{}>: {err}; TradeSeal expands no entities but the five of XML", a.key.0, e.name().0)))?
            .into_owned();
        attrs.push(Attribute {
            name: name_of(xml, a.key, true, at)?,
            value,
        });
    }
    Ok(Head {
        name,
        attrs,
        at,
        empty,
    })
}
