//! Conformance: every real Backstage example descriptor in ../shared validates,
//! except the one the corpus marks invalid; their relations match spec §1.5.

use portico_catalog_model::diagnostic::check_text;
use portico_catalog_model::relations;
use std::path::{Path, PathBuf};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpora/backstage/packages/catalog-model/examples")
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| {
            panic!(
                "reading {}: {e} (the shared corpora must sit beside the project)",
                dir.display()
            )
        })
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

#[test]
fn backstage_examples_validate_and_the_invalid_one_does_not() {
    let root = examples();
    let mut files = Vec::new();
    yaml_files(&root, &mut files);
    assert!(files.len() > 60, "expected the corpus, found {} files", files.len());
    let mut failing = Vec::new();
    let mut entities = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).expect("utf-8");
        // OpenAPI documents that sit beside the descriptors are not descriptors.
        if text.starts_with("openapi:") || text.contains("\nopenapi: ") {
            continue;
        }
        let report = check_text(&text, false);
        entities += report.valid.len();
        if report.errors() > 0 {
            let rel = path.strip_prefix(&root).expect("under root").display().to_string();
            failing.push(format!("{rel}: {}", report.diagnostics[0].message));
        }
    }
    // The invalid example, and 2020-era API files at the root that predate
    // `lifecycle` and `definition` being required: Backstage rejects them too.
    expect_test::expect![[r#"
        components/invalid-component.yaml: "metadata.name" is not valid; expected a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total but found "invalid component". To learn more about catalog file format, visit: https://github.com/backstage/backstage/blob/master/docs/architecture-decisions/adr002-default-catalog-file-format.md
        hello-world-api.yaml: missing required field "spec.lifecycle" for kind API
        petstore-api.yaml: missing required field "spec.lifecycle" for kind API
        spotify-api.yaml: missing required field "spec.definition" for kind API
        streetlights-api.yaml: missing required field "spec.lifecycle" for kind API"#]].assert_eq(&failing.join("\n"));
    assert!(entities > 80, "only {entities} entities validated");
}

#[test]
fn relations_of_a_real_component_follow_the_spec_table() {
    let text = std::fs::read_to_string(examples().join("components/artist-lookup-component.yaml"))
        .expect("read");
    let report = check_text(&text, false);
    let edges: Vec<String> = relations::emitted(&report.valid[0].value)
        .iter()
        .map(|e| format!("{} {} {}", e.source, e.kind, e.target))
        .collect();
    expect_test::expect![[r#"
        component:default/artist-lookup ownedBy group:default/team-a
        component:default/artist-lookup partOf system:default/artist-engagement-portal
        group:default/team-a ownerOf component:default/artist-lookup
        system:default/artist-engagement-portal hasPart component:default/artist-lookup"#]]
    .assert_eq(&edges.join("\n"));
}

#[test]
fn every_relation_a_kind_emits_is_one_of_the_pairs() {
    use portico_catalog_model::kinds::KINDS;
    use portico_catalog_model::relations::PAIRS;
    for kind in KINDS {
        for field in kind.fields {
            if let Some((forward, reverse)) = field.relation {
                let known =
                    PAIRS.iter().any(|p| *p == (forward, reverse) || *p == (reverse, forward));
                assert!(
                    known,
                    "{}.{} emits {forward}/{reverse}, missing from PAIRS",
                    kind.kind, field.name
                );
            }
        }
    }
}
