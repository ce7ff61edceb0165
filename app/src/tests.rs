//! The plugin registry's rules, checked on every test run.

use crate::plugins::PLUGINS;
use std::collections::HashSet;

#[test]
fn plugin_ids_are_unique_kebab_case() {
    let mut seen = HashSet::new();
    for plugin in PLUGINS {
        assert!(seen.insert(plugin.id), "plugin id `{}` is registered twice", plugin.id);
        let kebab = !plugin.id.is_empty()
            && plugin.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !plugin.id.starts_with('-')
            && !plugin.id.ends_with('-');
        assert!(kebab, "plugin id `{}` is not kebab-case", plugin.id);
    }
}

#[test]
fn nav_paths_are_unique_and_absolute() {
    let reserved = ["/", "/settings", "/gallery"];
    let mut seen: HashSet<&str> = reserved.into_iter().collect();
    for item in PLUGINS.iter().flat_map(|p| p.nav.iter()) {
        assert!(item.path.starts_with('/'), "nav path `{}` must start with /", item.path);
        assert!(seen.insert(item.path), "nav path `{}` is used twice", item.path);
    }
}
