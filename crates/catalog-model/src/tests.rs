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
