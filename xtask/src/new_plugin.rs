//! `cargo xtask new-plugin <id>`: a new plugin crate in the shape of `plugins/example`,
//! registered in the app (dependency, features, and one line in the plugin list).

use crate::util::root;
use anyhow::{Context, bail};

pub(crate) fn run(id: &str) -> anyhow::Result<()> {
    validate_id(id)?;
    let root = root();
    let dir = root.join("plugins").join(id);
    if dir.exists() {
        bail!("{} already exists", dir.display());
    }
    let krate = format!("plugin-{id}");
    let module = krate.replace('-', "_");
    for (file, text) in files(id) {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().context("file has a folder")?)?;
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    edit(&root.join("Cargo.toml"), |s| register_workspace_dep(s, &krate, id))?;
    edit(&root.join("app/Cargo.toml"), |s| register_app_manifest(s, &krate))?;
    edit(&root.join("app/src/plugins.rs"), |s| register_plugin_list(s, &module))?;
    // Best effort: leave the edited files formatted.
    let _ = crate::util::cmd(&root, "cargo", &["fmt", "--all"]);
    eprintln!("created plugins/{id} and registered it; `cargo xtask serve` shows it at /{id}");
    Ok(())
}

fn edit(
    path: &std::path::Path,
    f: impl FnOnce(&str) -> anyhow::Result<String>,
) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    std::fs::write(path, f(&text)?).with_context(|| format!("writing {}", path.display()))
}

/// Plugin ids are kebab-case: they become URL segments, config keys and crate names.
pub(crate) fn validate_id(id: &str) -> anyhow::Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 40
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && !id.ends_with('-')
        && !id.contains("--")
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let reserved = ["app", "api", "pkg", "settings", "gallery", "healthz", "readyz"];
    if !ok || reserved.contains(&id) {
        bail!(
            "`{id}` is not a usable plugin id: use lower-case kebab-case, not one of {}",
            reserved.join(", ")
        );
    }
    Ok(())
}

pub(crate) fn register_workspace_dep(
    manifest: &str,
    krate: &str,
    id: &str,
) -> anyhow::Result<String> {
    let anchor = "plugin-example = { path = \"plugins/example\", default-features = false }\n";
    let at = manifest.find(anchor).context("workspace Cargo.toml has no plugin-example line")?
        + anchor.len();
    let line = format!("{krate} = {{ path = \"plugins/{id}\", default-features = false }}\n");
    Ok(format!("{}{line}{}", &manifest[..at], &manifest[at..]))
}

pub(crate) fn register_app_manifest(manifest: &str, krate: &str) -> anyhow::Result<String> {
    let dep_anchor = "plugin-example.workspace = true\n";
    let at =
        manifest.find(dep_anchor).context("app/Cargo.toml has no plugin-example dependency")?
            + dep_anchor.len();
    let mut out = format!("{}{krate}.workspace = true\n{}", &manifest[..at], &manifest[at..]);
    for feature in ["hydrate", "ssr"] {
        let anchor = format!("\"plugin-example/{feature}\"");
        let at = out.find(&anchor).with_context(|| format!("app/Cargo.toml has no {anchor}"))?
            + anchor.len();
        out.insert_str(at, &format!(", \"{krate}/{feature}\""));
    }
    Ok(out)
}

pub(crate) fn register_plugin_list(list: &str, module: &str) -> anyhow::Result<String> {
    let end = list.rfind("];").context("app/src/plugins.rs has no PLUGINS list")?;
    // rustfmt may have put the list on one line; append after the last entry either way.
    let head = list[..end].trim_end();
    let comma = if head.ends_with(',') || head.ends_with('[') { "" } else { "," };
    Ok(format!("{head}{comma}\n    &{module}::PLUGIN,\n{}", &list[end..]))
}

fn files(id: &str) -> Vec<(&'static str, String)> {
    let krate = format!("plugin-{id}");
    let title: String =
        id.split('-').map(|w| w[..1].to_uppercase() + &w[1..]).collect::<Vec<_>>().join(" ");
    let example = |name: &str| {
        std::fs::read_to_string(root().join("plugins/example").join(name)).unwrap_or_default()
    };
    let manifest = example("Cargo.toml")
        .replace("name = \"plugin-example\"", &format!("name = \"{krate}\""))
        .lines()
        .filter(|l| !l.starts_with("description"))
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        .replacen("[package]\n", &format!("[package]\ndescription = \"The {title} plugin.\"\n"), 1);
    vec![
        ("Cargo.toml", manifest),
        ("README.md", format!("# {krate}\n\nThe {title} plugin: its page is `/{id}`, its backend `/api/{id}`, its config key `{id}`.\n")),
        (
            "src/lib.rs",
            format!(
                "//! The {title} plugin.\n\n#![recursion_limit = \"256\"]\n\nmod routes;\n#[cfg(feature = \"ssr\")]\nmod server;\nmod ui;\n\n\
                 use portico_plugin_api::{{Icon, NavItem, Plugin}};\n\n\
                 /// The {title} plugin, as registered in the app's plugin list.\n\
                 pub const PLUGIN: Plugin = {{\n    let plugin = Plugin::new(\"{id}\", \"{title}\")\n        \
                 .nav(&[NavItem::new(\"/{id}\", \"{title}\", Icon::Extension)])\n        .routes(routes::routes);\n    \
                 #[cfg(feature = \"ssr\")]\n    let plugin = plugin.backend(server::BACKEND);\n    plugin\n}};\n"
            ),
        ),
        (
            "src/routes.rs",
            format!(
                "//! The plugin's routes.\n\nuse leptos::prelude::*;\nuse leptos_router::components::Route;\nuse leptos_router::path;\n\
                 use portico_plugin_api::{{AnyNestedRoute, IntoAnyNestedRoute}};\n\n/// `/{id}`.\n\
                 pub(crate) fn routes() -> AnyNestedRoute {{\n    view! {{ <Route path=path!(\"/{id}\") view=crate::ui::MainPage/> }}.into_inner().into_any_nested_route()\n}}\n"
            ),
        ),
        (
            "src/ui.rs",
            format!(
                "//! The plugin's pages, made from design-system components.\n\nuse leptos::prelude::*;\nuse leptos_meta::Title;\nuse portico_ui::prelude::*;\n\n\
                 /// `/{id}`.\n#[component]\npub(crate) fn MainPage() -> impl IntoView {{\n    view! {{\n        <Title text=\"{title}\"/>\n        <Page>\n            \
                 <Header title=\"{title}\"/>\n            <Content>\n                <EmptyState title=\"Nothing here yet\" description=\"Edit plugins/{id}/src/ui.rs.\"/>\n            \
                 </Content>\n        </Page>\n    }}\n}}\n"
            ),
        ),
        (
            "src/server.rs",
            "//! The server half: the router mounted at `/api/<id>`.\n\nuse axum::{Json, Router, routing::get};\n\
             use portico_plugin_api::server::{Backend, ConfigError, PluginContext};\n\n\
             pub(crate) const BACKEND: Backend = Backend::new(router, &[]);\n\n\
             fn router(_ctx: &PluginContext) -> Result<Router, ConfigError> {\n    \
             Ok(Router::new().route(\"/health\", get(|| async { Json(serde_json::json!({ \"status\": \"ok\" })) })))\n}\n"
                .to_owned(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_must_be_kebab_case() {
        for good in ["docs", "cost-insights", "k8s"] {
            assert!(validate_id(good).is_ok(), "{good}");
        }
        for bad in ["", "Docs", "-x", "x-", "a--b", "a_b", "api", "x/../y", &"a".repeat(41)] {
            assert!(validate_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn registration_edits_the_three_places() {
        let root = root();
        let read = |p: &str| std::fs::read_to_string(root.join(p)).expect("file exists");
        let ws = register_workspace_dep(&read("Cargo.toml"), "plugin-docs", "docs").expect("ws");
        assert!(
            ws.contains("plugin-docs = { path = \"plugins/docs\", default-features = false }\n")
        );
        let app = register_app_manifest(&read("app/Cargo.toml"), "plugin-docs").expect("app");
        assert!(app.contains("plugin-docs.workspace = true\n"));
        assert!(app.contains("\"plugin-example/ssr\", \"plugin-docs/ssr\""));
        assert!(app.contains("\"plugin-example/hydrate\", \"plugin-docs/hydrate\""));
        let list = register_plugin_list(&read("app/src/plugins.rs"), "plugin_docs").expect("list");
        assert!(list.trim_end().ends_with("&plugin_docs::PLUGIN,\n];"), "{list}");
        let one_line = register_plugin_list(
            "pub const PLUGINS: &[&Plugin] = &[&plugin_example::PLUGIN];\n",
            "plugin_docs",
        )
        .expect("one-line list");
        assert_eq!(
            one_line,
            "pub const PLUGINS: &[&Plugin] = &[&plugin_example::PLUGIN,\n    &plugin_docs::PLUGIN,\n];\n"
        );
    }
}
