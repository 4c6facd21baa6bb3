//! The UI's commands typed from the Rust ones: `ui/src/lib/commands.ts` is generated
//! from every `#[tauri::command]` signature (its name, its arguments as Tauri maps the
//! UI's camelCase keys to the snake_case parameters, their types and the result's, by
//! the ts-rs names of `bindings.ts`), so `npm run check` refuses a call in api.ts with a
//! wrong name, argument or result type; a changed signature fails here until the file
//! is regenerated. Every command is also in build.rs's list and the invoke handler, is
//! allowed in the capability file and is called by the UI.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(p: &str) -> String {
    std::fs::read_to_string(root().join(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// One `#[tauri::command]` function: the parameters the UI passes (the state, app handle
/// and window Tauri injects left out) with their Rust types, and its return type.
struct Command {
    params: Vec<(String, String)>,
    returns: String,
}

/// Splits `text` at the commas outside any brackets.
fn split_top(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut current).trim().to_string());
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

/// Every `#[tauri::command]` function, by name.
fn rust_commands() -> BTreeMap<String, Command> {
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
            let params = split_top(&sig[open + 1..end])
                .into_iter()
                .filter_map(|p| {
                    let (n, ty) = p.split_once(':')?;
                    let ty = ty.trim();
                    let injected = ["State<", "AppHandle", "Window", "WebviewWindow"]
                        .iter()
                        .any(|t| ty.contains(t));
                    (!injected).then(|| {
                        (
                            n.trim().trim_start_matches("mut ").to_string(),
                            ty.to_string(),
                        )
                    })
                })
                .collect();
            let after = &sig[end + 1..sig.find('{').unwrap()];
            let returns = after.trim().trim_start_matches("->").trim().to_string();
            out.insert(name, Command { params, returns });
        }
    }
    out
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The TypeScript names of the app's own types where ts-rs renames them
/// (`#[cfg_attr(test, ts(rename = "…"))]` before `struct Name`).
fn renames() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(root().join("src")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for chunk in text.split("ts(rename = \"").skip(1) {
            let ts = &chunk[..chunk.find('"').unwrap()];
            let rest = &chunk[chunk.find(" struct ").or(chunk.find(" enum ")).unwrap()..];
            let rust: String = rest
                .trim_start()
                .split_whitespace()
                .nth(1)
                .unwrap()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.insert(rust, ts.to_string());
        }
    }
    out
}

/// The names a generated bindings file exports.
fn exported(file: &str) -> BTreeSet<String> {
    read(file)
        .lines()
        .filter_map(|l| l.strip_prefix("export type "))
        .map(|l| {
            l.chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

/// The TypeScript of a Rust parameter or return type as serde sends it; the named types
/// it uses are added to `named`.
fn typescript(
    ty: &str,
    renames: &BTreeMap<String, String>,
    named: &mut BTreeSet<String>,
) -> String {
    let ty = ty.trim().trim_start_matches('&').trim();
    if let Some(inner) = ty.strip_prefix('(') {
        let items = split_top(inner.strip_suffix(')').unwrap());
        if items.is_empty() {
            return "void".into();
        }
        let items: Vec<String> = items
            .iter()
            .map(|t| typescript(t, renames, named))
            .collect();
        return format!("[{}]", items.join(", "));
    }
    if let Some(inner) = ty.strip_prefix('[') {
        let (item, n) = inner.strip_suffix(']').unwrap().split_once(';').unwrap();
        let item = typescript(item, renames, named);
        let n: usize = n.trim().parse().unwrap();
        return format!("[{}]", vec![item; n].join(", "));
    }
    let (path, args) = match ty.find('<') {
        Some(i) => (&ty[..i], split_top(&ty[i + 1..ty.len() - 1])),
        None => (ty, Vec::new()),
    };
    let base = path.rsplit("::").next().unwrap();
    match base {
        "String" | "str" | "PathBuf" => "string".into(),
        "u8" | "u16" | "u32" | "u64" | "usize" | "i32" | "i64" | "f32" | "f64" => "number".into(),
        "bool" => "boolean".into(),
        "Value" => "unknown".into(),
        "Res" | "Result" => typescript(&args[0], renames, named),
        "Option" => format!("{} | null", typescript(&args[0], renames, named)),
        "Vec" => {
            let item = typescript(&args[0], renames, named);
            if item.contains(' ') {
                format!("({item})[]")
            } else {
                format!("{item}[]")
            }
        }
        _ => {
            assert!(
                args.is_empty(),
                "{ty}: a generic type the generator does not know"
            );
            let name = renames
                .get(base)
                .cloned()
                .unwrap_or_else(|| base.to_string());
            named.insert(name.clone());
            name
        }
    }
}

/// `ui/src/lib/commands.ts`: every command's arguments (camelCase, as Tauri maps them to
/// the Rust parameters) and result, for the typed `call` of api.ts.
fn commands_ts() -> String {
    let renames = renames();
    let mut named = BTreeSet::new();
    let mut body = String::new();
    for (name, c) in rust_commands() {
        let args: Vec<String> = c
            .params
            .iter()
            .map(|(n, ty)| format!("{}: {}", camel(n), typescript(ty, &renames, &mut named)))
            .collect();
        let args = if args.is_empty() {
            "Record<string, never>".to_string()
        } else {
            format!("{{ {} }}", args.join("; "))
        };
        let result = if c.returns.is_empty() {
            "void".to_string()
        } else {
            typescript(&c.returns, &renames, &mut named)
        };
        body.push_str(&format!(
            "  {name}: {{ args: {args}; result: {result} }};\n"
        ));
    }
    let core = exported("../ui/src/lib/bindings.ts");
    let app = exported("../ui/src/lib/bindings-app.ts");
    let unknown: Vec<&String> = named
        .iter()
        .filter(|n| !core.contains(*n) && !app.contains(*n))
        .collect();
    assert!(
        unknown.is_empty(),
        "commands use types no bindings file declares (derive ts_rs::TS and add them to \
         the core's or the app's bindings.rs): {unknown:?}"
    );
    let import = |from: &BTreeSet<String>, file: &str| {
        let names: Vec<&str> = named
            .iter()
            .filter(|n| from.contains(*n))
            .map(String::as_str)
            .collect();
        format!(
            "import type {{ {} }} from \"./{file}\";\n",
            names.join(", ")
        )
    };
    format!(
        "// Generated from the #[tauri::command] functions by src-tauri/tests/commands.rs. Do not\n\
         // edit: run `TRADESEAL_BLESS=1 cargo test -p tradeseal-app --test commands` to regenerate.\n\n\
         {}{}\n\
         /** Every command of the app: the arguments the UI sends and what it returns. */\n\
         export interface Commands {{\n{body}}}\n",
        import(&core, "bindings"),
        import(&app, "bindings-app"),
    )
}

#[test]
fn the_commands_typescript_is_generated_from_the_rust_signatures() {
    tradeseal_core::bindings::keep_current(
        &root().join("../ui/src/lib/commands.ts"),
        &commands_ts(),
        "TRADESEAL_BLESS=1 cargo test -p tradeseal-app --test commands",
    );
}

/// Every command api.ts calls (`call("name"`).
fn ui_calls() -> BTreeSet<String> {
    let text = read("../ui/src/lib/api.ts");
    text.split("call(\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect()
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
fn every_command_is_called_listed_handled_and_allowed() {
    let rust = rust_commands();
    let ui = ui_calls();
    let mut problems = Vec::new();
    for name in ui.iter().filter(|n| !rust.contains_key(*n)) {
        problems.push(format!(
            "api.ts calls {name}, which no #[tauri::command] defines"
        ));
    }
    for name in rust.keys().filter(|n| !ui.contains(*n)) {
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
