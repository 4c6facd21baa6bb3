//! The UI's command calls (`ui/src/lib/api.ts`) against the app's Rust commands: every
//! command called exists with exactly the arguments the UI sends (Tauri maps the UI's
//! camelCase keys to the Rust parameters' snake_case names), is in build.rs's command
//! list and the invoke handler, and is allowed in the capability file; and no command
//! is exposed that the UI never calls. A renamed command or argument fails here, not at
//! run time in a user's window.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(p: &str) -> String {
    std::fs::read_to_string(root().join(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn snake(camel: &str) -> String {
    let mut out = String::new();
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Every `#[tauri::command]` function: name -> the parameters the UI passes (the state,
/// app handle and window Tauri injects left out).
fn rust_commands() -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(root().join("src")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for chunk in text.split("#[tauri::command]").skip(1) {
            let sig_start = chunk.find("fn ").expect("a command is a function");
            let sig = &chunk[sig_start + 3..];
            let name: String = sig
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let open = sig.find('(').unwrap();
            // The parameter list ends at the parenthesis that closes the first one.
            let mut depth = 0;
            let mut end = open;
            for (i, c) in sig[open..].char_indices() {
                match c {
                    '(' | '<' => depth += 1,
                    ')' | '>' if depth > 0 => {
                        depth -= 1;
                        if depth == 0 && c == ')' {
                            end = open + i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let params = &sig[open + 1..end];
            let mut args = BTreeSet::new();
            let mut depth = 0;
            let mut current = String::new();
            for c in params.chars().chain(std::iter::once(',')) {
                match c {
                    '<' | '(' | '[' => depth += 1,
                    '>' | ')' | ']' => depth -= 1,
                    ',' if depth == 0 => {
                        let p = current.trim().to_string();
                        current.clear();
                        if let Some((n, ty)) = p.split_once(':') {
                            let ty = ty.trim();
                            let injected = ["State<", "AppHandle", "Window", "WebviewWindow"]
                                .iter()
                                .any(|t| ty.contains(t));
                            if !injected {
                                args.insert(n.trim().trim_start_matches("mut ").to_string());
                            }
                        }
                        continue;
                    }
                    _ => {}
                }
                current.push(c);
            }
            out.insert(name, args);
        }
    }
    out
}

/// The fields of `export interface NAME { … }` in api.ts.
fn interface_fields(text: &str, name: &str) -> BTreeSet<String> {
    let start = text
        .find(&format!("interface {name} {{"))
        .unwrap_or_else(|| panic!("api.ts has no interface {name}"));
    let body = &text[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find('}').unwrap()];
    body.lines()
        .filter_map(|l| {
            l.trim()
                .split_once(':')
                .map(|(k, _)| k.trim_end_matches('?'))
        })
        .filter(|k| !k.is_empty() && !k.starts_with("//") && !k.starts_with('*'))
        .map(snake)
        .collect()
}

/// Every `call<…>("name", { a, b: x, ...req })` in api.ts: name -> argument keys
/// (snake_case; a spread request's interface fields included).
fn ui_calls() -> BTreeMap<String, BTreeSet<String>> {
    let text = read("../ui/src/lib/api.ts");
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| l.contains("call<")) {
        let chunk = &line[line.find("call<").unwrap()..];
        let Some(q) = chunk.find("(\"") else { continue };
        let rest = &chunk[q + 2..];
        let name = &rest[..rest.find('"').unwrap()];
        let after = &rest[name.len() + 1..];
        let mut args = BTreeSet::new();
        if let Some(body) = after.strip_prefix(", {") {
            let body = &body[..body.find('}').unwrap()];
            for part in body.split(',') {
                let key = part.split(':').next().unwrap().trim();
                if let Some(var) = key.strip_prefix("...") {
                    // `(var: Type, …) => call(…, { ...var })`: the interface's fields.
                    let decl = format!("{var}: ");
                    let ty_start =
                        line.find(&decl).expect("a spread argument is a parameter") + decl.len();
                    let ty: String = line[ty_start..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric())
                        .collect();
                    args.extend(interface_fields(&text, &ty));
                } else if !key.is_empty() {
                    args.insert(snake(key));
                }
            }
        }
        out.insert(name.to_string(), args);
    }
    out
}

/// The quoted strings between `marker` and the next `]`.
fn quoted_after(text: &str, marker: &str) -> BTreeSet<String> {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not found"))
        + marker.len();
    let list = &text[start..start + text[start..].find(']').unwrap()];
    list.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_uis_calls_match_the_commands_their_names_and_arguments() {
    let rust = rust_commands();
    let ui = ui_calls();
    let mut problems = Vec::new();
    for (name, args) in &ui {
        match rust.get(name) {
            None => problems.push(format!(
                "api.ts calls {name}, which no #[tauri::command] defines"
            )),
            Some(params) if params != args => problems.push(format!(
                "{name}: api.ts sends {args:?}, the command takes {params:?}"
            )),
            _ => {}
        }
    }
    for name in rust.keys().filter(|n| !ui.contains_key(*n)) {
        problems.push(format!("{name} is a command the UI never calls"));
    }

    let build = read("build.rs");
    let listed = quoted_after(&build, ".commands(&[");
    let main = read("src/main.rs");
    let caps = read("capabilities/default.json");
    for name in rust.keys() {
        if !listed.contains(name) {
            problems.push(format!("{name} is missing from build.rs's command list"));
        }
        if !main.contains(&format!("::{name},")) && !main.contains(&format!("::{name}]")) {
            problems.push(format!("{name} is missing from main.rs's invoke handler"));
        }
        if !caps.contains(&format!("\"allow-{}\"", name.replace('_', "-"))) {
            problems.push(format!(
                "{name} is not allowed in capabilities/default.json"
            ));
        }
    }
    for name in listed.iter().filter(|n| !rust.contains_key(*n)) {
        problems.push(format!(
            "build.rs lists {name}, which no #[tauri::command] defines"
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        rust.len() > 60,
        "found only {} commands: the parser lost some",
        rust.len()
    );
}
