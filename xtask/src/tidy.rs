//! The architecture's rules, as tests: they run with every `cargo test`.

use crate::util::root;
use std::path::{Path, PathBuf};

/// Internal crates and the internal crates each may depend on.
fn allowed_internal_deps(package: &str) -> Option<&'static [&'static str]> {
    Some(match package {
        "portico-catalog-model" => &[],
        "portico-config" => &[],
        "portico-ui" => &[],
        "portico-techdocs" => &[],
        "portico-git" => &[],
        "portico-plugin-api" => &["portico-catalog-model", "portico-config"],
        "portico-search" => &["portico-plugin-api"],
        "portico-techdocs-storage" => &["portico-techdocs"],
        p if p.starts_with("plugin-") => &[
            "portico-plugin-api",
            "portico-ui",
            "portico-catalog-model",
            "portico-techdocs",
            "portico-techdocs-storage",
            "portico-git",
        ],
        "app" => &["portico-ui", "portico-plugin-api", "portico-catalog-model", "portico-config"],
        "frontend" => &["app"],
        "server" => &[
            "app",
            "portico-plugin-api",
            "portico-config",
            "portico-ui",
            "portico-catalog-model",
            "portico-techdocs",
            "portico-techdocs-storage",
            "portico-search",
        ],
        "xtask" => &[],
        _ => return None,
    })
}

fn manifests() -> Vec<PathBuf> {
    let root = root();
    let mut out = vec![
        root.join("app/Cargo.toml"),
        root.join("server/Cargo.toml"),
        root.join("frontend/Cargo.toml"),
        root.join("xtask/Cargo.toml"),
    ];
    for group in ["crates", "plugins"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join(group))
            .expect("folder exists")
            .filter_map(|e| e.ok().map(|e| e.path().join("Cargo.toml")))
            .filter(|p| p.exists())
            .collect();
        dirs.sort();
        out.extend(dirs);
    }
    out
}

fn package_name(manifest: &str) -> String {
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("name = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("manifest has a name")
        .to_owned()
}

/// Internal crates named in `[dependencies]` (not dev-dependencies).
fn internal_deps(manifest: &str, internal: &[String]) -> Vec<String> {
    let mut section = "";
    let mut out = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line;
            continue;
        }
        if section != "[dependencies]" {
            continue;
        }
        let name = line.split(['=', '.', ' ']).next().unwrap_or("");
        if internal.iter().any(|i| i == name) {
            out.push(name.to_owned());
        }
    }
    out
}

#[test]
fn dependency_edges_follow_the_architecture() {
    let manifests: Vec<String> =
        manifests().iter().map(|p| std::fs::read_to_string(p).expect("readable")).collect();
    let internal: Vec<String> = manifests.iter().map(|m| package_name(m)).collect();
    let mut problems = Vec::new();
    for manifest in &manifests {
        let package = package_name(manifest);
        let Some(allowed) = allowed_internal_deps(&package) else {
            problems.push(format!(
                "{package}: not in tidy's table of crates (add it, with its allowed edges)"
            ));
            continue;
        };
        for dep in internal_deps(manifest, &internal) {
            // The shell is where plugins are assembled: it alone may name them.
            let app_lists_plugin = package == "app" && dep.starts_with("plugin-");
            if !allowed.contains(&dep.as_str()) && !app_lists_plugin {
                problems.push(format!("{package} must not depend on {dep}"));
            }
        }
    }
    assert!(problems.is_empty(), "forbidden dependency edges:\n{}", problems.join("\n"));
}

#[test]
fn dependency_parsing_sees_only_runtime_dependencies() {
    let internal = vec!["plugin-a".to_owned(), "app".to_owned(), "portico-ui".to_owned()];
    let manifest = "[package]\nname = \"plugin-b\"\n[dependencies]\nplugin-a.workspace = true\nportico-ui = { workspace = true }\nserde = \"1\"\n[dev-dependencies]\napp.workspace = true\n";
    assert_eq!(internal_deps(manifest, &internal), ["plugin-a", "portico-ui"]);
    assert_eq!(package_name(manifest), "plugin-b");
    assert!(!allowed_internal_deps("plugin-b").expect("plugins have rules").contains(&"plugin-a"));
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            if !path.ends_with("target") && !path.ends_with("node_modules") {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_rust_file_starts_with_a_module_doc() {
    let root = root();
    let mut files = Vec::new();
    for dir in ["app", "server", "frontend", "crates", "plugins", "xtask"] {
        rust_files(&root.join(dir), &mut files);
    }
    let missing: Vec<String> = files
        .iter()
        .filter(|f| !std::fs::read_to_string(f).unwrap_or_default().starts_with("//!"))
        .map(|f| f.strip_prefix(&root).unwrap_or(f).display().to_string())
        .collect();
    assert!(missing.is_empty(), "files without a `//!` doc:\n{}", missing.join("\n"));
}

/// Colours belong in the theme files; everything else reads tokens.
#[test]
fn no_raw_colours_outside_the_theme_files() {
    let root = root();
    let mut offenders = Vec::new();
    let mut check = |path: &Path| {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            let lower = line.to_ascii_lowercase();
            let hex = lower.match_indices('#').any(|(at, _)| {
                let digits: String =
                    lower[at + 1..].chars().take_while(|c| c.is_ascii_hexdigit()).collect();
                matches!(digits.len(), 3 | 4 | 6 | 8)
                    && !lower[at + 1 + digits.len()..]
                        .starts_with(|c: char| c.is_alphanumeric() || c == '-')
            });
            if hex || lower.contains("rgb(") || lower.contains("hsl(") {
                offenders.push(format!(
                    "{}:{}: {}",
                    path.strip_prefix(&root).unwrap_or(path).display(),
                    i + 1,
                    line.trim()
                ));
            }
        }
    };
    check(&root.join("style/components.css"));
    let mut files = Vec::new();
    for dir in ["app/src", "crates/ui/src", "plugins"] {
        rust_files(&root.join(dir), &mut files);
    }
    for f in files.iter().filter(|f| !f.ends_with("tests.rs")) {
        check(f);
    }
    assert!(offenders.is_empty(), "raw colours (use a --pt- token):\n{}", offenders.join("\n"));
}

#[test]
fn architecture_md_names_every_crate() {
    let doc =
        std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md exists");
    let missing: Vec<String> = manifests()
        .iter()
        .map(|p| package_name(&std::fs::read_to_string(p).expect("readable")))
        .filter(|name| !doc.contains(&format!("`{name}`")))
        .collect();
    assert!(missing.is_empty(), "ARCHITECTURE.md does not mention: {}", missing.join(", "));
}

/// The contrast check in `portico-config` measures brand colours against these
/// surfaces; they must be the ones the themes really use.
#[test]
fn contrast_check_uses_the_theme_surfaces() {
    let root = root();
    let read =
        |p: &str| std::fs::read_to_string(root.join(p)).expect("readable").to_ascii_lowercase();
    let (light, dark) = (read("style/tokens.css"), read("style/themes/dark.css"));
    let branding = read("crates/config/src/branding.rs");
    assert!(
        branding.contains(r##"("light", "#ffffff", "#171717")"##)
            && branding.contains(r##"("dark", "#262626", "#121212")"##)
    );
    assert!(
        light.contains("--pt-color-surface: #ffffff;")
            && light.contains("--pt-color-nav-bg: #171717;")
    );
    assert!(
        dark.contains("--pt-color-surface: #262626;")
            && dark.contains("--pt-color-nav-bg: #121212;")
    );
}
