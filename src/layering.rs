//! The layering the architecture promises, read from the sources: the
//! domain (`service`, `store`, `workflow` and every module of the crate
//! they reach) names no front, and nothing below `app` names `app`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The fronts' modules: the REST front and what serves it, and the AWS one.
const FRONT_MODULES: &[&str] = &["api", "app", "aws", "transport"];

/// The crates a front is built with (HTTP types, the server, the glue
/// between utoipa and axum); utoipa itself (`ToSchema`) is not one.
const FRONT_CRATES: &[&str] = &[
    "axum",
    "axum_extra",
    "http",
    "http_body",
    "http_body_util",
    "hyper",
    "hyper_util",
    "tower",
    "tower_http",
    "tower_layer",
    "tower_service",
    "utoipa_axum",
    "utoipa_swagger_ui",
];

/// Where the domain starts (with the background work, which runs under
/// every front); what they reach is domain too.
const DOMAIN_ROOTS: &[&str] = &["service", "store", "workflow"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read_dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The crate's top-level modules (`src/x.rs`, `src/x/`) and their files.
fn modules() -> BTreeMap<String, Vec<PathBuf>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(src()).expect("read_dir") {
        let p = e.expect("entry").path();
        let Some(stem) = p.file_stem().and_then(|s| s.to_str()).map(str::to_string) else {
            continue;
        };
        // The roots, and this file, whose samples name fronts on purpose.
        if stem == "lib" || stem == "main" || stem == "bin" || stem == "layering" {
            continue;
        }
        let files: &mut Vec<PathBuf> = out.entry(stem).or_default();
        if p.is_dir() {
            rust_files(&p, files);
        } else if p.extension().is_some_and(|e| e == "rs") {
            files.push(p);
        }
    }
    out.retain(|_, files| !files.is_empty());
    out
}

/// The module path of a file below `src/` (`src/service/network/vpc.rs`
/// -> `[service, network, vpc]`; a `mod.rs` is its directory).
fn module_path(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src()).expect("below src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|s| s.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|l| l == "mod") {
        parts.pop();
    }
    parts
}

/// The source with comment lines blanked (doc comments may name anything),
/// so that offsets still give line numbers.
fn code_of(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.trim_start().starts_with("//") {
                ""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The first identifier of `s` (after whitespace).
fn ident(s: &str) -> &str {
    let s = s.trim_start();
    let end = s.find(|c: char| !is_ident(c)).unwrap_or(s.len());
    &s[..end]
}

/// The top-level modules a file names, with the line of each mention:
/// `crate::x`, `$crate::x`, `super::...::x` climbing to the crate root,
/// and each first segment of a `crate::{x, y::z}` group.
fn crate_modules_named(file: &Path, code: &str) -> Vec<(String, usize)> {
    let depth = module_path(file).len();
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let starts_word = i == 0 || !is_ident(bytes[i - 1] as char);
        let (root, mut j) = if starts_word && rest.starts_with("crate::") {
            (true, i + "crate::".len())
        } else if starts_word && rest.starts_with("super::") {
            // Climb: from `a/b/c.rs` (depth 3) three `super`s reach the root.
            let mut j = i;
            let mut ups = 0;
            while code[j..].starts_with("super::") {
                ups += 1;
                j += "super::".len();
            }
            (ups >= depth, j)
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        if root {
            if code[j..].starts_with('{') {
                // A group: split at top-level commas up to the matching brace.
                let mut level = 0;
                let mut item_start = j + 1;
                for (k, c) in code[j..].char_indices() {
                    match c {
                        '{' => level += 1,
                        '}' | ',' if level == 1 => {
                            let name = ident(&code[item_start..j + k]);
                            if !name.is_empty() {
                                out.push((name.to_string(), line_of(item_start)));
                            }
                            item_start = j + k + 1;
                            if c == '}' {
                                j += k;
                                break;
                            }
                        }
                        '}' => level -= 1,
                        _ => {}
                    }
                }
            } else {
                let name = ident(&code[j..]);
                if !name.is_empty() {
                    out.push((name.to_string(), line_of(j)));
                }
            }
        }
        i = j.max(i + 1);
    }
    out
}

/// Mentions of a front's crate: `axum::...`, `::axum::...`, or `use axum;`.
fn front_crates_named(code: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        for krate in FRONT_CRATES {
            let mut from = 0;
            while let Some(at) = line[from..].find(krate) {
                let at = from + at;
                from = at + krate.len();
                let before = line[..at].chars().next_back();
                if before.is_some_and(|c| is_ident(c) || c == '$') {
                    continue;
                }
                // `crate::http` is a module of ours, not the crate.
                if line[..at].ends_with("crate::") || line[..at].ends_with("super::") {
                    continue;
                }
                let after = &line[from..];
                let is_use = line.trim_start().starts_with("use ")
                    || line.trim_start().starts_with("pub use ")
                    || line.trim_start().starts_with("extern crate ");
                if after.starts_with("::")
                    || (is_use && (after.starts_with(';') || after.starts_with(" as ")))
                {
                    out.push((krate.to_string(), n + 1));
                }
            }
        }
    }
    out
}

/// Per module: the top-level modules it names, with where.
fn module_graph() -> BTreeMap<String, Vec<(String, PathBuf, usize)>> {
    let modules = modules();
    let mut graph = BTreeMap::new();
    for (name, files) in &modules {
        let edges: &mut Vec<(String, PathBuf, usize)> = graph.entry(name.clone()).or_default();
        for f in files {
            let code = code_of(&std::fs::read_to_string(f).expect("read"));
            for (to, line) in crate_modules_named(f, &code) {
                if &to != name && modules.contains_key(&to) {
                    edges.push((to, f.clone(), line));
                }
            }
        }
    }
    graph
}

/// The modules reachable from `roots`, not entering those in `stop`.
fn reach(
    graph: &BTreeMap<String, Vec<(String, PathBuf, usize)>>,
    roots: &[&str],
    stop: &[&str],
) -> BTreeSet<String> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut todo: Vec<String> = roots.iter().map(|s| s.to_string()).collect();
    while let Some(m) = todo.pop() {
        if stop.contains(&m.as_str()) || !seen.insert(m.clone()) {
            continue;
        }
        for (to, _, _) in graph.get(&m).into_iter().flatten() {
            todo.push(to.clone());
        }
    }
    seen
}

fn at(file: &Path, line: usize) -> String {
    let rel = file
        .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap_or(file);
    format!("{}:{line}", rel.display())
}

/// `src/service`, `src/store` and `src/workflow`, and the modules of the
/// crate they use (`error`, `pagination`, `util`, ...), use no front: none
/// of axum, http, tower, hyper, utoipa-axum, and none of `api`, `app`,
/// `transport`, `aws` (`api::extract` is part of `api`). A front's types in a service would make
/// the next front copy it or depend on the first.
#[test]
fn the_domain_names_no_front() {
    let graph = module_graph();
    let modules = modules();
    // The fronts it names are reported, not entered.
    let domain = reach(&graph, DOMAIN_ROOTS, FRONT_MODULES);
    let mut offenders = Vec::new();
    for m in &domain {
        for (to, file, line) in &graph[m] {
            if FRONT_MODULES.contains(&to.as_str()) {
                offenders.push(format!("{}: crate::{to}", at(file, *line)));
            }
        }
        for f in &modules[m] {
            let code = code_of(&std::fs::read_to_string(f).expect("read"));
            for (krate, line) in front_crates_named(&code) {
                offenders.push(format!("{}: {krate}", at(f, line)));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "the domain ({}) names a front: {offenders:#?}",
        domain.iter().cloned().collect::<Vec<_>>().join(", ")
    );
}

/// `app` assembles the fronts, so nothing it is assembled from names it:
/// no module but `app` mentions `crate::app` (lib.rs and main.rs, the
/// roots, are not modules); and the domain reaches neither `api` nor `app`
/// (above), so `app -> api -> service -> store` has no way back.
#[test]
fn nothing_below_app_names_app() {
    let graph = module_graph();
    let mut offenders = Vec::new();
    for (m, edges) in &graph {
        for (to, file, line) in edges {
            if to == "app" && m != "app" {
                offenders.push(format!("{}: crate::app", at(file, *line)));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "modules below app name it: {offenders:#?}"
    );
    // Cycles through `app` are thereby impossible; say so of the graph too.
    for m in reach(&graph, &["app"], &[]) {
        if m != "app" {
            assert!(
                !reach(&graph, &[m.as_str()], &[]).contains("app"),
                "{m} reaches app"
            );
        }
    }
}

#[test]
fn the_reader_finds_what_it_is_meant_to() {
    let file = src().join("service/network/vpc.rs");
    let code = "use crate::error::Error;\nuse super::super::{api::x, store::{a, b}, app};\n\
                use super::Ctx;\nlet s = \"http://x\"; $crate::service::f();\n\
                use axum::Json; use http::StatusCode; let x = crate::http::y;\n";
    let named = crate_modules_named(&file, code);
    let names: Vec<&str> = named.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["error", "service", "http"], "{named:?}");
    let file = src().join("service/mod.rs");
    let named = crate_modules_named(&file, code);
    let names: Vec<&str> = named.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["error", "api", "store", "app", "Ctx", "service", "http"],
        "{named:?}"
    );
    let crates = front_crates_named(code);
    assert_eq!(
        crates,
        [("axum".to_string(), 5), ("http".to_string(), 5)],
        "{crates:?}"
    );
    assert_eq!(code_of("// axum::x\nlet a = 1;"), "\nlet a = 1;");
}
