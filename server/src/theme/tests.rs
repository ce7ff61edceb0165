//! The generated stylesheet: system variant, brand overrides, refused values.

use super::*;
use portico_config::{AppSection, Config, Source};

fn branding(yaml: &str) -> Branding {
    let config =
        Config::from_sources(vec![Source { name: "t.yaml".into(), text: yaml.into() }], &|_| None)
            .expect("fixture parses");
    config.get_or_default::<AppSection>("app").expect("fixture is valid").branding
}

/// The part of the stylesheet after the built-in themes and before the components.
fn overrides(yaml: &str) -> String {
    let css = stylesheet(&branding(yaml), None);
    let start = css.find("} }\n").map(|i| i + 4).unwrap_or(0);
    let end = css.find("/*! Portico components").unwrap_or(css.len());
    css[start..end].to_owned()
}

#[test]
fn follows_the_system_with_the_dark_tokens() {
    let css = stylesheet(&Branding::default(), None);
    let body = rule_body(DARK);
    assert!(body.contains("--pt-color-bg: #1c1c1c;"), "the dark theme is one rule: {body}");
    assert!(css.contains(&system_variant(body)), "no system variant");
}

#[test]
fn no_branding_means_no_overrides() {
    assert_eq!(overrides(""), "");
}

#[test]
fn brand_colours_become_tokens() {
    expect_test::expect![[r#"
        :root, [data-theme="light"] {--pt-font-family:Inter, sans-serif;--pt-radius:2px;--pt-color-primary:#ff0000;--pt-color-focus:#ff0000;--pt-color-primary-hover:#ff0000;--pt-header-bg:linear-gradient(90deg, #005b4b, #00897b);}
        [data-theme="dark"] {--pt-font-family:Inter, sans-serif;--pt-radius:2px;--pt-color-nav-indicator:#00ff00;}
        @media (prefers-color-scheme: dark) { [data-theme="system"] {--pt-font-family:Inter, sans-serif;--pt-radius:2px;--pt-color-nav-indicator:#00ff00;} }
    "#]]
    .assert_eq(&overrides(concat!(
        "app:\n  branding:\n    fontFamily: Inter, sans-serif\n    cornerRadius: 2px\n    theme:\n",
        "      light:\n        palette: {primary: {main: red}}\n",
        "        pageTheme: {default: {backgroundColor: ['#005b4b', '#00897b']}}\n",
        "      dark:\n        navigationIndicatorColor: 'rgb(0, 255, 0)'\n",
    )));
}

#[test]
fn css_injection_through_tokens_is_refused() {
    let b = branding(
        "app:\n  branding:\n    fontFamily: 'x;} body { display:none'\n    cornerRadius: 4px\n",
    );
    let css = stylesheet(&b, None);
    assert!(!css.contains("display:none"), "injected rule survived");
    assert!(css.contains("--pt-radius:4px;"));
    assert_eq!(
        rejected_tokens(&b),
        ["`app.branding.fontFamily` has characters not allowed in a CSS value; ignored"]
    );
}

#[test]
fn team_theme_file_comes_last() {
    let css = stylesheet(&Branding::default(), Some(":root { --pt-radius: 0; }"));
    assert!(css.ends_with("/* app.branding.themeCss */\n:root { --pt-radius: 0; }"));
}
