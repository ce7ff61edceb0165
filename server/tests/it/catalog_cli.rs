//! `portico catalog validate` and `portico catalog schema` as a user runs them.

use crate::support::portico;

const GOOD: &str = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\nspec:\n  type: website\n  lifecycle: production\n  owner: team-a\n";

#[test]
fn valid_files_pass_and_globs_expand() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::create_dir_all(dir.path().join("svc/a")).expect("mkdir");
    std::fs::write(dir.path().join("svc/a/catalog-info.yaml"), GOOD).expect("write");
    std::fs::write(
        dir.path().join("svc/catalog-info.yaml"),
        format!("{GOOD}---\n{}", GOOD.replace("web", "api")),
    )
    .expect("write");
    let out = portico(&["catalog", "validate", "svc/**/catalog-info.yaml"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout} {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.trim(), "checked 2 file(s): 3 valid entities, 0 error(s)");
}

#[test]
fn errors_are_located_and_fail_the_run() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("good.yaml"), GOOD).expect("write");
    std::fs::write(
        dir.path().join("bad.yaml"),
        GOOD.replace("name: web", "name: not valid").replace("  owner: team-a\n", ""),
    )
    .expect("write");
    std::fs::write(dir.path().join("binary.yaml"), b"kind: \xff\xfe\n").expect("write");
    let out = portico(
        &["catalog", "validate", "good.yaml", "bad.yaml", "binary.yaml", "missing.yaml"],
        dir.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stdout.contains("--> bad.yaml:4:9"), "{stdout}");
    assert!(stdout.contains("missing required field \"spec.owner\""), "{stdout}");
    assert!(stdout.contains("--> bad.yaml:5:1"), "{stdout}");
    assert!(stdout.contains("the file is not valid UTF-8\n  --> binary.yaml:1:1"), "{stdout}");
    assert!(stdout.contains("cannot read the file"), "{stdout}");
    assert!(stdout.contains("checked 4 file(s): 1 valid entity, 4 error(s)"), "{stdout}");
    assert_eq!(stderr.trim(), "error: 4 error(s) in 3 of 4 file(s)");
}

#[test]
fn a_glob_that_matches_nothing_is_an_error() {
    let dir = tempfile::tempdir().expect("dir");
    let out = portico(&["catalog", "validate", "**/*.yaml"], dir.path());
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no files match"));
}

#[test]
fn the_schema_is_json_schema_with_every_kind() {
    let dir = tempfile::tempdir().expect("dir");
    let out = portico(&["catalog", "schema"], dir.path());
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    let kinds = schema["properties"]["kind"]["enum"].as_array().expect("kinds");
    for kind in [
        "Component",
        "API",
        "Resource",
        "System",
        "Domain",
        "Group",
        "User",
        "Location",
        "Template",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} missing");
    }
}

#[test]
fn placeholders_must_point_at_files_that_exist() {
    let dir = tempfile::tempdir().expect("dir");
    let api = |name: &str, target: &str| {
        format!(
            "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: {name}\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition:\n    $text: {target}\n"
        )
    };
    std::fs::write(dir.path().join("openapi.yaml"), "openapi: 3.0.0\n").expect("write");
    let text = format!(
        "{}---\n{}---\n{}",
        api("present", "./openapi.yaml"),
        api("absent", "./missing.yaml"),
        api("remote", "https://example.com/openapi.yaml")
    );
    std::fs::write(dir.path().join("apis.yaml"), text).expect("write");
    let out = portico(&["catalog", "validate", "apis.yaml"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "a missing placeholder file fails the run: {stdout}");
    assert!(stdout.contains("$text points at ./missing.yaml, which does not exist"), "{stdout}");
    assert!(stdout.contains("apis.yaml:21:"), "located at the placeholder: {stdout}");
    assert!(stdout.contains("checked 1 file(s): 2 valid entities, 1 error(s)"), "{stdout}");
}
