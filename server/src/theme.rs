//! Builds the one stylesheet every page loads: the built-in tokens and themes,
//! the "follow the system" variant, the components, then the brand overrides
//! from `app.branding` and a team's own theme file.

use portico_config::{Branding, ThemePalette};

const TOKENS: &str = include_str!("../../style/tokens.css");
const DARK: &str = include_str!("../../style/themes/dark.css");
const COMPONENTS: &str = include_str!("../../style/components.css");

/// The complete stylesheet.
pub(crate) fn stylesheet(branding: &Branding, team_css: Option<&str>) -> String {
    let mut css = String::with_capacity(TOKENS.len() + DARK.len() * 2 + COMPONENTS.len() + 1024);
    css.push_str(TOKENS);
    css.push_str(DARK);
    css.push_str(&system_variant(rule_body(DARK)));
    let (light, dark) = (declarations(&branding.theme.light), declarations(&branding.theme.dark));
    let shared = shared_tokens(branding);
    if !light.is_empty() || !shared.is_empty() {
        css.push_str(&format!(":root, [data-theme=\"light\"] {{{shared}{light}}}\n"));
    }
    if !dark.is_empty() || !shared.is_empty() {
        css.push_str(&format!("[data-theme=\"dark\"] {{{shared}{dark}}}\n"));
        css.push_str(&system_variant(&format!("{shared}{dark}")));
    }
    css.push_str(COMPONENTS);
    if let Some(team) = team_css {
        css.push_str("\n/* app.branding.themeCss */\n");
        css.push_str(team);
    }
    css
}

/// The declarations inside the first rule of a one-rule theme file.
fn rule_body(css: &str) -> &str {
    match (css.find('{'), css.rfind('}')) {
        (Some(open), Some(close)) if open < close => &css[open + 1..close],
        _ => "",
    }
}

/// Applies dark declarations when the visitor follows a dark system theme.
fn system_variant(body: &str) -> String {
    format!("@media (prefers-color-scheme: dark) {{ [data-theme=\"system\"] {{{body}}} }}\n")
}

fn declarations(p: &ThemePalette) -> String {
    let mut out = String::new();
    let mut set = |name: &str, value: String| out.push_str(&format!("{name}:{value};"));
    if let Some(c) = p.primary() {
        set("--pt-color-primary", c.to_css_hex());
        set("--pt-color-focus", c.to_css_hex());
        set("--pt-color-primary-hover", c.to_css_hex());
    }
    if let Some(c) = p.nav_indicator() {
        set("--pt-color-nav-indicator", c.to_css_hex());
    }
    if let Some(nav) = &p.palette.navigation {
        if let Some(c) = &nav.background {
            set("--pt-color-nav-bg", c.to_css_hex());
        }
        if let Some(c) = &nav.color {
            set("--pt-color-nav-text", c.to_css_hex());
        }
        if let Some(c) = &nav.selected_color {
            set("--pt-color-nav-selected", c.to_css_hex());
        }
    }
    if let Some(bg) = &p.palette.background {
        if let Some(c) = &bg.default {
            set("--pt-color-bg", c.to_css_hex());
        }
        if let Some(c) = &bg.paper {
            set("--pt-color-surface", c.to_css_hex());
        }
    }
    let header = p.header_colors();
    match header.as_slice() {
        [] => {}
        [one] => set("--pt-header-bg", one.to_css_hex()),
        many => {
            let stops: Vec<String> = many.iter().map(|c| c.to_css_hex()).collect();
            set("--pt-header-bg", format!("linear-gradient(90deg, {})", stops.join(", ")));
        }
    }
    out
}

/// True for plain CSS values (names, lengths, quoted font names): nothing that could
/// end a declaration or a rule.
fn is_safe_css_value(v: &str) -> bool {
    !v.is_empty()
        && v.len() < 200
        && v.chars().all(|c| c.is_alphanumeric() || " ,.-_'\"%".contains(c))
}

fn portico_tokens(b: &Branding) -> [(&'static str, &'static str, Option<&str>); 2] {
    [
        ("app.branding.fontFamily", "--pt-font-family", b.font_family.as_deref()),
        ("app.branding.cornerRadius", "--pt-radius", b.corner_radius.as_deref()),
    ]
}

/// Font and radius: validated so config cannot inject rules.
fn shared_tokens(b: &Branding) -> String {
    portico_tokens(b)
        .into_iter()
        .filter_map(|(_, name, value)| {
            value.filter(|v| is_safe_css_value(v)).map(|v| format!("{name}:{v};"))
        })
        .collect()
}

/// Font and radius values that were refused, for a start-up warning.
pub(crate) fn rejected_tokens(b: &Branding) -> Vec<String> {
    portico_tokens(b)
        .into_iter()
        .filter(|(_, _, value)| value.is_some_and(|v| !is_safe_css_value(v)))
        .map(|(key, _, _)| format!("`{key}` has characters not allowed in a CSS value; ignored"))
        .collect()
}

#[cfg(test)]
mod tests;
