//! Loading, layering, substitution and error reporting, one fixture per case.

use super::*;
use expect_test::{Expect, expect};

fn env(name: &str) -> Option<String> {
    match name {
        "PORT" => Some("8080".into()),
        "TITLE" => Some("ACME".into()),
        _ => None,
    }
}

fn load(files: &[&str]) -> Result<Config, ConfigError> {
    let sources = files
        .iter()
        .enumerate()
        .map(|(i, text)| Source { name: format!("file{}.yaml", i + 1), text: (*text).to_owned() })
        .collect();
    Config::from_sources(sources, &env)
}

/// Loads the files and renders the core sections (or the first error) as one line each.
fn check(files: &[&str], expect: Expect) {
    let rendered = match load(files).and_then(|c| {
        let app: AppSection = c.get_or_default("app")?;
        let backend: BackendSection = c.get_or_default("backend")?;
        Ok(format!(
            "title={} port={} host={} client={:?} undefined={:?}",
            app.title(),
            backend.listen.port,
            backend.listen.host,
            backend.database.client,
            c.undefined_values()
        ))
    }) {
        Ok(line) => line,
        Err(err) => format!("error: {err}"),
    };
    expect.assert_eq(&rendered);
}

#[test]
fn defaults_when_empty() {
    check(&[""], expect![[r#"title=Portico port=7007 host=0.0.0.0 client=Sqlite undefined=[]"#]]);
    check(
        &["# only a comment\n"],
        expect![[r#"title=Portico port=7007 host=0.0.0.0 client=Sqlite undefined=[]"#]],
    );
}

#[test]
fn later_files_win_and_mappings_merge() {
    check(
        &[
            "app:\n  title: First\nbackend:\n  listen:\n    port: 7000\n    host: 127.0.0.1\n",
            "backend:\n  listen:\n    port: 7100\n",
        ],
        expect![[r#"title=First port=7100 host=127.0.0.1 client=Sqlite undefined=[]"#]],
    );
}

#[test]
fn env_substitution_and_escape() {
    check(
        &["app:\n  title: ${TITLE} $${NOT_ME}\nbackend:\n  listen:\n    port: ${PORT}\n"],
        expect![[r#"title=ACME ${NOT_ME} port=8080 host=0.0.0.0 client=Sqlite undefined=[]"#]],
    );
}

#[test]
fn unset_variable_makes_value_undefined() {
    check(
        &["app:\n  title: ${NOPE}\n"],
        expect![[
            r#"title=Portico port=7007 host=0.0.0.0 client=Sqlite undefined=["app.title (environment variable NOPE is not set)"]"#
        ]],
    );
}

#[test]
fn backstage_client_names() {
    check(
        &["backend:\n  database:\n    client: better-sqlite3\n    connection: ':memory:'\n"],
        expect![[r#"title=Portico port=7007 host=0.0.0.0 client=Sqlite undefined=[]"#]],
    );
    check(
        &[
            "backend:\n  database:\n    client: pg\n    connection:\n      host: localhost\n      port: 5432\n",
        ],
        expect![[r#"title=Portico port=7007 host=0.0.0.0 client=Postgres undefined=[]"#]],
    );
}

#[test]
fn wrong_type_names_file_line_and_key() {
    check(
        &["app:\n  title: x\n", "backend:\n  listen:\n    port: seventy\n"],
        expect![[
            r#"error: file2.yaml:3:11: `backend.listen.port`: invalid digit found in string"#
        ]],
    );
    check(
        &["backend:\n  listen:\n    port: 70000\n"],
        expect![[
            r#"error: file1.yaml:3:11: `backend.listen.port`: number too large to fit in target type"#
        ]],
    );
}

#[test]
fn unknown_key_is_an_error() {
    check(
        &["backend:\n  listen:\n    prot: 1\n"],
        expect![[
            r#"error: file1.yaml:3:5: `backend.listen.prot`: Unknown field `prot`, expected `port` or `host`"#
        ]],
    );
}

#[test]
fn unknown_database_client() {
    check(
        &["backend:\n  database:\n    client: mysql\n"],
        expect![
            "error: file1.yaml:3:13: `backend.database.client`: unknown variant `mysql`, expected one of `better-sqlite3`, `sqlite`, `sqlite3`, `pg`, `postgres`, `postgresql`"
        ],
    );
}

#[test]
fn malformed_yaml() {
    check(
        &["app:\n  title: [unclosed\n"],
        expect![[
            r#"error: file1.yaml:3:1: invalid YAML: while parsing a flow sequence, expected ',' or ']'"#
        ]],
    );
    check(
        &["- a list\n"],
        expect![[
            r#"error: file1.yaml:1:1: invalid YAML: the top level must be a mapping of keys"#
        ]],
    );
    check(
        &["app:\n  title: a\n  title: b\n"],
        expect![[r#"error: file1.yaml:3:3: invalid YAML: duplicate key `title`"#]],
    );
}

#[test]
fn aliases_are_refused() {
    // The classic alias bomb never expands: anchors are rejected outright.
    check(
        &["a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"],
        expect![
            "error: file1.yaml:1:7: invalid YAML: anchors and aliases are not allowed in config"
        ],
    );
}

#[test]
fn branding_colours_are_validated() {
    let err = load(&["app:\n  branding:\n    theme:\n      light:\n        palette:\n          primary:\n            main: not-a-colour\n"])
        .and_then(|c| c.get::<AppSection>("app"))
        .unwrap_err();
    expect!["file1.yaml:7:19: `app.branding.theme.light.palette.primary.main`: `not-a-colour` is not a CSS colour (invalid unknown format)"]
        .assert_eq(&err.to_string());
}

fn warnings(yaml: &str) -> String {
    let app: AppSection = load(&[yaml]).and_then(|c| c.get_or_default("app")).expect("valid");
    app.branding
        .contrast_warnings()
        .iter()
        .map(|w| format!("{} {:.2} < {} vs {}", w.key, w.ratio, w.required, w.against))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn contrast_warnings() {
    // A dark blue passes on white; a dark indicator on the dark sidebar and a
    // dark grey primary on the dark surface both fail.
    expect![[r#"
        app.branding.theme.light.palette.navigation.indicator 1.42 < 3 vs the sidebar #171717
        app.branding.theme.dark.palette.primary.main 1.33 < 4.5 vs the surface #262626"#]]
    .assert_eq(&warnings(concat!(
        "app:\n  branding:\n    theme:\n      light:\n        palette:\n",
        "          primary: {main: '#1f5493'}\n          navigation: {indicator: '#333333'}\n",
        "      dark:\n        palette:\n          primary: {main: '#3a3a3a'}\n",
    )));
}

#[test]
fn rhdh_shorthand_keys() {
    expect![[r#"app.branding.theme.light.palette.primary.main 1.07 < 4.5 vs the surface #ffffff"#]].assert_eq(&warnings(
        "app:\n  branding:\n    theme:\n      light:\n        primaryColor: '#fafad2'\n        headerColor1: '#005b4b'\n",
    ));
}

#[test]
fn missing_file_is_a_clear_error() {
    let err = Config::load_files(&["/nonexistent/app-config.yaml"], &env).unwrap_err();
    expect![[r#"cannot read config file /nonexistent/app-config.yaml: No such file or directory (os error 2)"#]]
        .assert_eq(&err.to_string());
}

#[test]
fn oversized_file_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.yaml");
    std::fs::write(&path, "a: ".to_owned() + &"x".repeat(5 * 1024 * 1024)).expect("write");
    let err = Config::load_files(&[&path], &env).unwrap_err();
    assert!(matches!(err, ConfigError::TooLarge { .. }), "{err}");
}

#[test]
fn invalid_utf8_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.yaml");
    std::fs::write(&path, b"app:\n  title: \xff\xfe\n").expect("write");
    let err = Config::load_files(&[&path], &env).unwrap_err();
    assert!(err.to_string().contains("not UTF-8 text (first bad byte at offset 14)"), "{err}");
}
