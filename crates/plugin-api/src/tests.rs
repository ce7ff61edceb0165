//! The wire error table and the plugin builder.

use super::*;
use expect_test::expect;

#[test]
fn error_codes_serialise_as_snake_case_with_statuses() {
    let rows: Vec<String> = [
        ErrorCode::BadRequest,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::Internal,
        ErrorCode::Unavailable,
    ]
    .iter()
    .map(|c| {
        format!(
            "{} {} {}",
            serde_json::to_string(c).expect("serialises"),
            c.status(),
            c.backstage_name()
        )
    })
    .collect();
    expect![[r#"
        "bad_request" 400 InputError
        "not_found" 404 NotFoundError
        "conflict" 409 ConflictError
        "internal" 500 Error
        "unavailable" 503 ServiceUnavailableError"#]]
    .assert_eq(&rows.join("\n"));
}

#[test]
fn builder_keeps_what_it_is_given() {
    const NAV: &[NavItem] = &[NavItem::new("/x", "X", Icon::Extension)];
    const P: Plugin = Plugin::new("x", "X plugin").nav(NAV);
    assert_eq!(P.id, "x");
    assert_eq!(P.nav[0].path, "/x");
    assert!(P.entity_tabs.is_empty());
}

#[test]
fn tabs_follow_their_predicate() {
    fn only_components(e: &Entity) -> bool {
        e.is_kind("component")
    }
    fn view(_: Entity) -> leptos::prelude::AnyView {
        use leptos::prelude::IntoAny;
        ().into_any()
    }
    const TABS: &[EntityTab] = &[EntityTab::new("docs", "Docs", only_components, view)];
    const P: Plugin = Plugin::new("x", "X").entity_tabs(TABS);
    let component: Entity =
        serde_json_from(r#"{"apiVersion":"v1","kind":"Component","metadata":{"name":"a"}}"#);
    let group: Entity =
        serde_json_from(r#"{"apiVersion":"v1","kind":"Group","metadata":{"name":"a"}}"#);
    assert_eq!(P.tabs_for(&component).count(), 1);
    assert_eq!(P.tabs_for(&group).count(), 0);
}

fn serde_json_from(json: &str) -> Entity {
    serde_json::from_str(json).expect("fixture parses")
}
