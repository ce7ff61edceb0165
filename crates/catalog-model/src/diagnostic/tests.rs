//! Descriptor files in, compiler-style diagnostics out: one helper, many cases.

use super::*;
use expect_test::{Expect, expect};

/// Checks a YAML file and prints every diagnostic, rendered, then a summary line.
fn check(yaml: &str, expect: Expect) {
    let report = check_text(yaml, false);
    let mut out = String::new();
    for d in &report.diagnostics {
        out.push_str(
            &Rendered { diagnostic: d, file: "catalog-info.yaml", source: yaml }.to_string(),
        );
    }
    out.push_str(&format!(
        "{} document(s), {} valid, {} error(s)",
        report.documents,
        report.valid.len(),
        report.errors()
    ));
    // Shown escaped: a raw NUL would make this file binary.
    expect.assert_eq(&out.replace('\0', "\\0"));
}

#[test]
fn a_valid_component() {
    check(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: artist-web\n  tags: [java]\nspec:\n  type: website\n  lifecycle: production\n  owner: team-a\n",
        expect!["1 document(s), 1 valid, 0 error(s)"],
    );
}

#[test]
fn every_problem_is_reported_with_its_line() {
    check(
        r#"apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: invalid component
  labels:
    goVersion: go1.15.3
  tags:
    - go 1.15.3
  links:
    - url: not a url
spec:
  type: service
  owner: ""
  dependsOn: [my-db]
extra: true
"#,
        expect![[r#"
            error: "metadata.name" is not valid; expected a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total but found "invalid component". To learn more about catalog file format, visit: https://github.com/backstage/backstage/blob/master/docs/architecture-decisions/adr002-default-catalog-file-format.md
              --> catalog-info.yaml:4:9
              |
            4 |   name: invalid component
              |         ^
            error: "metadata.tags[0]" is not valid; expected a string that is sequences of [a-z0-9+#] separated by [-], at most 63 characters in total but found "go 1.15.3". To learn more about catalog file format, visit: https://github.com/backstage/backstage/blob/master/docs/architecture-decisions/adr002-default-catalog-file-format.md
              --> catalog-info.yaml:8:7
              |
            8 |     - go 1.15.3
              |       ^
            error: "metadata.links[0].url" must be an absolute URL such as https://example.com, found "not a url"
              --> catalog-info.yaml:10:12
               |
            10 |     - url: not a url
               |            ^
            error: missing required field "spec.lifecycle" for kind Component
              --> catalog-info.yaml:11:1
               |
            11 | spec:
               | ^
            error: "spec.owner": entity reference is empty
              --> catalog-info.yaml:13:10
               |
            13 |   owner: ""
               |          ^
            error: "spec.dependsOn[0]": entity reference "my-db" had missing or empty kind (e.g. did not start with "component:" or similar) (this field has no default kind: write it, as in resource:my-db)
              --> catalog-info.yaml:14:15
               |
            14 |   dependsOn: [my-db]
               |               ^
            error: unknown top-level field "extra"; an entity has only apiVersion, kind, metadata and spec (did you mean to put it under spec?)
              --> catalog-info.yaml:15:1
               |
            15 | extra: true
               | ^
            1 document(s), 0 valid, 7 error(s)"#]],
    );
}

#[test]
fn multi_document_files_keep_their_line_numbers() {
    check(
        "# leading comment\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n---\napiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: guest\nspec:\n  memberOf: {}\n---\n",
        expect![[r#"
            error: "spec.memberOf" must be a list of entity references, found a mapping
              --> catalog-info.yaml:13:13
               |
            13 |   memberOf: {}
               |             ^
            2 document(s), 1 valid, 1 error(s)"#]],
    );
}

#[test]
fn syntax_errors_in_one_document_do_not_hide_the_others() {
    check(
        "apiVersion: v1\nkind: [\n---\napiVersion: backstage.io/v1alpha1\nkind: Widget\nmetadata: {name: w}\n",
        expect![[r#"
            error: invalid YAML: while parsing a node, did not find expected node content
              --> catalog-info.yaml:3:1
              |
            3 | ---
              | ^
            error: unsupported kind "Widget"; the catalog knows Component, API, Resource, System, Domain, Group, User, Location, Template, Environment, AiResource
              --> catalog-info.yaml:5:7
              |
            5 | kind: Widget
              |       ^
            2 document(s), 0 valid, 2 error(s)"#]],
    );
}

#[test]
fn hostile_yaml_is_refused_cleanly() {
    let bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n";
    check(
        bomb,
        expect![[r#"
        error: YAML anchors and aliases (&, *) are not allowed in descriptor files
          --> catalog-info.yaml:1:7
          |
        1 | a: &a [x, x]
          |       ^
        1 document(s), 0 valid, 1 error(s)"#]],
    );
    check(
        "kind: !!str Component\n",
        expect![[r#"
        error: YAML tags (!tag) are not allowed in descriptor files
          --> catalog-info.yaml:1:13
          |
        1 | kind: !!str Component
          |             ^
        1 document(s), 0 valid, 1 error(s)"#]],
    );
    check(
        "kind: A\nkind: B\n",
        expect![[r#"
        error: duplicate key "kind"
          --> catalog-info.yaml:2:1
          |
        2 | kind: B
          | ^
        1 document(s), 0 valid, 1 error(s)"#]],
    );
    check(
        "just a string\n",
        expect![[r#"
        error: a descriptor must be a mapping (key: value) at the top level
          --> catalog-info.yaml:1:1
          |
        1 | just a string
          | ^
        1 document(s), 0 valid, 1 error(s)"#]],
    );
}

#[test]
fn deep_nesting_and_huge_files_are_limited() {
    let deep = format!("a: {}1{}\n", "[".repeat(200), "]".repeat(200));
    let report = check_text(&deep, false);
    assert_eq!(report.errors(), 1, "{:?}", report.diagnostics);
    assert!(
        report.diagnostics[0].message.contains("nesting is deeper than 64"),
        "{:?}",
        report.diagnostics
    );

    let mut block = String::new();
    for depth in 0..300 {
        block.push_str(&" ".repeat(depth));
        block.push_str("k:\n");
    }
    let report = check_text(&block, false);
    assert!(
        report.diagnostics.iter().any(|d| d.message.contains("nesting")),
        "{:?}",
        report.diagnostics
    );

    let huge = format!("description: \"{}\"\n", "x".repeat(MAX_FILE_BYTES));
    let report = check_text(&huge, false);
    assert!(report.diagnostics[0].message.contains("limited to"), "{:?}", report.diagnostics);
    assert!(report.valid.is_empty());
}

#[test]
fn scalars_are_typed_like_yaml_but_quoted_ones_stay_strings() {
    let (docs, errors) = crate::yaml::parse_documents(
        "a: true\nb: \"true\"\nc: 1.5\nd: 007\ne: ~\nf: 1e3\ng: go1.15\n",
    );
    assert!(errors.is_empty());
    expect![[r#"{"a":true,"b":"true","c":1.5,"d":7,"e":null,"f":1000.0,"g":"go1.15"}"#]]
        .assert_eq(&docs[0].value.to_string());
}

#[test]
fn kind_specific_rules() {
    check(
        "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: mcp}\nspec: {type: mcp-server, lifecycle: production, owner: team-a}\n",
        expect![[r#"
            error: missing required field "spec.remotes" for kind API
              --> catalog-info.yaml:4:1
              |
            4 | spec: {type: mcp-server, lifecycle: production, owner: team-a}
              | ^
            1 document(s), 0 valid, 1 error(s)"#]],
    );
    check(
        "apiVersion: backstage.io/v1alpha1\nkind: Template\nmetadata: {name: t}\nspec: {type: service, steps: []}\n",
        expect![[r#"
            error: kind Template does not support apiVersion "backstage.io/v1alpha1"; use scaffolder.backstage.io/v1beta3
              --> catalog-info.yaml:1:13
              |
            1 | apiVersion: backstage.io/v1alpha1
              |             ^
            1 document(s), 0 valid, 1 error(s)"#]],
    );
    check(
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: l}\nspec: {targets: [./a.yaml], presence: maybe}\n",
        expect![[r#"
            error: "spec.presence" must be required or optional, found "maybe"
              --> catalog-info.yaml:4:39
              |
            4 | spec: {targets: [./a.yaml], presence: maybe}
              |                                       ^
            1 document(s), 0 valid, 1 error(s)"#]],
    );
}

#[test]
fn json_descriptors() {
    let report = check_text(
        r#"[{"apiVersion":"backstage.io/v1alpha1","kind":"Domain","metadata":{"name":"d"},"spec":{"owner":"x"}}, 5]"#,
        true,
    );
    assert_eq!((report.documents, report.valid.len(), report.errors()), (2, 1, 1));
    let report = check_text("{nope", true);
    assert_eq!(report.errors(), 1);
    assert_eq!(report.diagnostics[0].pos.line, 1);
}

#[test]
fn nul_characters_are_refused_where_they_are() {
    check(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n  description: \"x\\0y\"\n  annotations: {\"k\\0\": v}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n  dependsOn: [\"resource:db\", \"\\0\"]\n",
        expect![[r#"
            error: "metadata.description" contains a NUL character (\0), which the catalog cannot store; remove it
              --> catalog-info.yaml:5:16
              |
            5 |   description: "x\0y"
              |                ^
            error: "metadata.annotations.k\0" contains a NUL character (\0), which the catalog cannot store; remove it
              --> catalog-info.yaml:6:17
              |
            6 |   annotations: {"k\0": v}
              |                 ^
            error: "metadata.annotations.k\0" is not valid; expected a valid prefix and/or suffix, e.g. backstage.io/kind or kind but found "k\0". To learn more about catalog file format, visit: https://github.com/backstage/backstage/blob/master/docs/architecture-decisions/adr002-default-catalog-file-format.md
              --> catalog-info.yaml:6:24
              |
            6 |   annotations: {"k\0": v}
              |                        ^
            error: "spec.dependsOn[1]" contains a NUL character (\0), which the catalog cannot store; remove it
              --> catalog-info.yaml:11:30
               |
            11 |   dependsOn: ["resource:db", "\0"]
               |                              ^
            error: "spec.dependsOn[1]": entity reference "\0" had missing or empty kind (e.g. did not start with "component:" or similar) (this field has no default kind: write it, as in resource:my-db)
              --> catalog-info.yaml:11:30
               |
            11 |   dependsOn: ["resource:db", "\0"]
               |                              ^
            1 document(s), 0 valid, 5 error(s)"#]],
    );
}
