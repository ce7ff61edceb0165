//! Envelope parsing and the small helpers on it.

use super::*;
use expect_test::{Expect, expect};

fn check(json: &str, expect: Expect) {
    let entity: Entity = serde_json::from_str(json).expect("fixture parses");
    let line = format!(
        "{} type={:?} component={}",
        entity.entity_ref(),
        entity.spec_type(),
        entity.is_kind("component")
    );
    expect.assert_eq(&line);
}

#[test]
fn default_namespace_and_lower_case_ref() {
    check(
        r#"{"apiVersion":"backstage.io/v1alpha1","kind":"Component","metadata":{"name":"Petstore"},"spec":{"type":"service"}}"#,
        expect![[r#"component:default/petstore type=Some("service") component=true"#]],
    );
}

#[test]
fn explicit_namespace_and_no_spec() {
    check(
        r#"{"apiVersion":"backstage.io/v1alpha1","kind":"Group","metadata":{"name":"Team-A","namespace":"Ops"}}"#,
        expect![[r#"group:ops/team-a type=None component=false"#]],
    );
}

fn check_ref(input: &str, default_kind: Option<&str>, namespace: &str, expect: Expect) {
    let context = RefContext { default_kind, default_namespace: namespace };
    let out = match EntityRef::parse(input, context) {
        Ok(r) => format!("{r} (written {}:{}/{})", r.kind, r.namespace, r.name),
        Err(e) => format!("error: {e}"),
    };
    expect.assert_eq(&out);
}

#[test]
fn refs_take_defaults_from_the_field_and_the_entity() {
    check_ref(
        "team-a",
        Some("Group"),
        "ops",
        expect!["group:ops/team-a (written Group:ops/team-a)"],
    );
    check_ref(
        "user:guest",
        Some("Group"),
        "ops",
        expect!["user:ops/guest (written user:ops/guest)"],
    );
    check_ref(
        "Group:Default/Team-A",
        None,
        "ops",
        expect!["group:default/team-a (written Group:Default/Team-A)"],
    );
    check_ref(
        "component:a/b/c",
        None,
        "default",
        expect!["component:a/b/c (written component:a/b/c)"],
    );
}

#[test]
fn bad_refs_say_what_is_missing() {
    check_ref(
        "team-a",
        None,
        "default",
        expect![[
            r#"error: entity reference "team-a" had missing or empty kind (e.g. did not start with "component:" or similar)"#
        ]],
    );
    check_ref(
        ":team-a",
        None,
        "default",
        expect![[
            r#"error: entity reference ":team-a" had missing or empty kind (e.g. did not start with "component:" or similar)"#
        ]],
    );
    check_ref(
        "group:/team-a",
        None,
        "default",
        expect![[r#"error: entity reference "group:/team-a" had missing or empty namespace"#]],
    );
    check_ref(
        "group:ops/",
        None,
        "default",
        expect![[r#"error: entity reference "group:ops/" had missing or empty name"#]],
    );
    check_ref("   ", Some("group"), "default", expect!["error: entity reference is empty"]);
}

#[test]
fn refs_compare_case_insensitively() {
    let a = EntityRef::parse("Group:Default/Team-A", RefContext::default()).expect("valid");
    let b = EntityRef::parse("group:default/team-a", RefContext::default()).expect("valid");
    assert_eq!(a, b);
    assert_eq!(a.canonical(), b.canonical());
}

/// Runs one field rule over inputs and lists which pass.
fn check_rule(rule: fn(&str) -> bool, inputs: &[&str], expect: Expect) {
    let lines: Vec<String> =
        inputs.iter().map(|i| format!("{} {i:?}", if rule(i) { "ok " } else { "bad" })).collect();
    expect.assert_eq(&lines.join("\n"));
}

#[test]
fn names() {
    let long = "a".repeat(64);
    check_rule(
        fields::is_valid_name,
        &["artist-web", "A.b_c-9", "a", "-a", "a-", "a b", "", &long, "ünï"],
        expect![[r#"
        ok  "artist-web"
        ok  "A.b_c-9"
        ok  "a"
        bad "-a"
        bad "a-"
        bad "a b"
        bad ""
        bad "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        bad "ünï""#]],
    );
}

#[test]
fn namespaces_kinds_and_api_versions() {
    check_rule(
        fields::is_valid_namespace,
        &["default", "team-a", "Team", "a--b", "-a"],
        expect![[r#"
        ok  "default"
        ok  "team-a"
        bad "Team"
        ok  "a--b"
        bad "-a""#]],
    );
    check_rule(
        fields::is_valid_kind,
        &["Component", "API", "9lives", "My-Kind", ""],
        expect![[r#"
        ok  "Component"
        ok  "API"
        bad "9lives"
        bad "My-Kind"
        bad """#]],
    );
    check_rule(
        fields::is_valid_api_version,
        &["backstage.io/v1alpha1", "v1", "Backstage.io/v1", "a/b/c", "x/"],
        expect![[r#"
        ok  "backstage.io/v1alpha1"
        ok  "v1"
        bad "Backstage.io/v1"
        bad "a/b/c"
        bad "x/""#]],
    );
}

#[test]
fn keys_label_values_and_tags() {
    check_rule(
        fields::is_valid_key,
        &["backstage.io/techdocs-ref", "simple", "a/b/c", "Bad_Prefix.io/x", "x/"],
        expect![[r#"
        ok  "backstage.io/techdocs-ref"
        ok  "simple"
        bad "a/b/c"
        bad "Bad_Prefix.io/x"
        bad "x/""#]],
    );
    check_rule(
        fields::is_valid_label_value,
        &["", "v1.2", "-x"],
        expect![[r#"
        ok  ""
        ok  "v1.2"
        bad "-x""#]],
    );
    check_rule(
        fields::is_valid_tag,
        &["java", "c++", "c#", "data-platform", "Java", "a--b", "a:b", ""],
        expect![[r#"
        ok  "java"
        ok  "c++"
        ok  "c#"
        ok  "data-platform"
        bad "Java"
        bad "a--b"
        bad "a:b"
        bad """#]],
    );
}

#[test]
fn problems_use_backstages_wording() {
    expect![[r#""metadata.name" is not valid; expected a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total but found "-a". To learn more about catalog file format, visit: https://github.com/backstage/backstage/blob/master/docs/architecture-decisions/adr002-default-catalog-file-format.md"#]]
        .assert_eq(&fields::problem("metadata.name", "a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total", "-a"));
}
