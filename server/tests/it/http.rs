//! Pages, health, server functions and plugin routes over HTTP, on both databases.

use crate::support::{Backend, TestApp, on_both, settings_from};
use axum::http::StatusCode;

on_both!(health_and_readiness, "", |app| {
    let health = app.get("/healthz").await;
    assert_eq!((health.status, health.body.as_str()), (StatusCode::OK, r#"{"status":"ok"}"#));
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK);
    assert!(ready.body.contains(r#""database":""#), "{}", ready.body);
});

on_both!(home_is_server_rendered, "app:\n  title: ACME Portal\n", |app| {
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.starts_with("<!DOCTYPE html><html lang=\"en\" data-theme=\"system\">"),
        "{}",
        &page.body[..120]
    );
    assert!(page.body.contains("Welcome to ACME Portal</h1>"), "the heading is in the HTML");
    assert!(
        page.body.contains("Portico is your developer portal"),
        "the welcome markdown is resolved on the server"
    );
    assert!(page.body.contains(r#"<a href="/" aria-current="page""#), "the current page is marked");
    assert!(page.body.contains(r#"href="/example""#), "plugin nav items are in the sidebar");
    assert!(page.body.contains("<title>ACME Portal</title>"));
});

on_both!(unknown_pages_are_404_with_a_page, "", |app| {
    let page = app.get("/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Page not found</h1>"));
    let api = app.get("/api/no-such-plugin/x").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert!(api.body.contains(r#""name":"NotFoundError""#), "{}", api.body);
});

on_both!(theme_cookie_is_rendered_and_set, "", |app| {
    let dark = app.get_with_cookie("/settings", "portico-theme=dark").await;
    assert!(dark.body.contains(r#"data-theme="dark""#));
    assert!(
        dark.body.contains(r#"id="theme-dark" name="mode" value="dark" checked"#),
        "the saved choice is checked"
    );
    let bogus = app.get_with_cookie("/", "portico-theme=\"><script>").await;
    assert!(bogus.body.contains(r#"data-theme="system""#), "unknown values fall back");

    let set = app.call("/api/app/set_theme", "mode=light").await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let cookie = set.headers.get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert_eq!(cookie, "portico-theme=light; Path=/; Max-Age=31536000; SameSite=Lax");
    let bad = app.call("/api/app/set_theme", "mode=purple").await;
    assert!(!bad.status.is_success(), "an unknown theme is refused");
    assert!(bad.body.contains("is not a theme"), "{}", bad.body);
    assert!(bad.headers.get("set-cookie").is_none());
});

on_both!(example_plugin_round_trip, "example:\n  greeting: Hi from config\n", |app| {
    let added = app.call("/api/example/fn/add_note", "body=first+note").await;
    assert!(added.status.is_success(), "{} {}", added.status, added.body);
    let notes = app.get("/api/example/notes").await;
    assert_eq!(notes.status, StatusCode::OK);
    assert!(notes.body.contains(r#""body":"first note""#), "{}", notes.body);
    let page = app.get("/example").await;
    assert!(page.body.contains("Hi from config"), "typed plugin config reaches the page");
    assert!(page.body.contains("first note"), "data is rendered on the server");
    let health = app.get("/api/example/health").await;
    assert_eq!(health.body, r#"{"status":"ok"}"#);
});

on_both!(bad_server_function_input_is_a_clear_error, "", |app| {
    let blank = app.call("/api/example/fn/add_note", "body=+++").await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST, "bad input is a 400, not a fault");
    assert!(blank.body.contains("A note cannot be empty."), "{}", blank.body);
    let huge = app.call("/api/example/fn/add_note", &format!("body={}", "x".repeat(501))).await;
    assert!(huge.body.contains("at most 500 characters"), "{}", huge.body);
    let missing = app.call("/api/example/fn/add_note", "").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "a missing argument is refused");
    let notes = app.get("/api/example/notes").await;
    assert_eq!(notes.body, "[]", "nothing was stored");
});

on_both!(migrations_are_idempotent, "", |app| {
    use portico_plugin_api::server::Migration;
    const M: &[Migration] =
        &[Migration::new(1, "t", "CREATE TABLE t1 (x INTEGER)", "CREATE TABLE t1 (x INTEGER)")];
    assert_eq!(portico_server::db::migrate(&app.db, &[("test", M)]).await.expect("first run"), 1);
    assert_eq!(portico_server::db::migrate(&app.db, &[("test", M)]).await.expect("second run"), 0);
    const BROKEN: &[Migration] = &[Migration::new(2, "broken", "CREATE TABLE (", "CREATE TABLE (")];
    let err = portico_server::db::migrate(&app.db, &[("test", BROKEN)]).await.unwrap_err();
    assert_eq!(err.to_string(), "migration 2 `broken` of plugin `test` failed");
});

#[tokio::test]
async fn branding_reaches_the_stylesheet() {
    let yaml = "app:\n  branding:\n    cornerRadius: 3px\n    theme:\n      light:\n        palette:\n          primary: {main: '#123456'}\n";
    let app = TestApp::new(Backend::Sqlite, yaml).await.expect("app");
    let css = app.get("/pkg/portico.css").await;
    assert_eq!(
        css.headers.get("content-type").map(|v| v.to_str().unwrap_or("")),
        Some("text/css; charset=utf-8")
    );
    assert!(css.body.contains("--pt-color-primary:#123456;"));
    assert!(css.body.contains("--pt-radius:3px;"));
    let etag = css.headers.get("etag").expect("etag").clone();
    let again = app
        .request(
            axum::http::Request::get("/pkg/portico.css")
                .header("if-none-match", etag)
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
}

#[test]
fn config_problems_name_file_line_and_key() {
    let dir = tempfile::tempdir().expect("dir");
    let err =
        |yamls: &[&str]| settings_from(yamls, dir.path()).map(|_| ()).unwrap_err().to_string();
    expect_test::expect!["test1.yaml:3:1: unknown top-level key `catalogue` (known keys: app, backend, catalog, example, organization, search, techdocs)"]
        .assert_eq(&err(&["app:\n  title: x\ncatalogue: {}\n"]));
    expect_test::expect!["test2.yaml:2:3: `example.greting`: Unknown field `greting`, expected `greeting` (fix that key; `portico config check` re-checks without starting the server)"]
        .assert_eq(&err(&["example:\n  greeting: a\n", "example:\n  greting: b\n"]));
    let ok = settings_from(&["scaffolder:\n  defaultAuthor: {name: x}\n"], dir.path())
        .expect("Backstage sections load");
    assert_eq!(ok.warnings.len(), 1, "{:?}", ok.warnings);
    assert!(
        ok.warnings[0]
            .contains("`scaffolder` is a Backstage section that Portico does not use yet")
    );
    let guest =
        settings_from(&["auth:\n  providers:\n    guest: {userEntityRef: alice}\n"], dir.path())
            .expect("auth loads");
    assert!(
        guest.warnings[0].contains("only auth.providers.guest.userEntityRef is used"),
        "{:?}",
        guest.warnings
    );
}

on_both!(a_failing_page_shows_an_error_panel_not_a_blank_page, "", |app| {
    // Break the plugin's storage under it: the page must still render, with the error shown.
    match &app.db {
        portico_plugin_api::server::Db::Sqlite(pool) => {
            sqlx::query("DROP TABLE example_notes").execute(pool).await.expect("drop");
        }
        portico_plugin_api::server::Db::Postgres(pool) => {
            sqlx::query("DROP TABLE example_notes").execute(pool).await.expect("drop");
        }
        _ => unreachable!("only two databases"),
    }
    let page = app.get("/example").await;
    assert!(page.body.contains("Could not load the notes"), "the error boundary rendered");
    assert!(
        page.body.contains("Something went wrong on the server"),
        "a safe message, not the SQL error"
    );
    assert!(!page.body.contains("example_notes"), "internals are not leaked");
    assert!(page.body.contains("Add a note"), "the rest of the page still renders");
});
