//! `portico techdocs build` as a user runs it: a site written on success,
//! nothing written (and the old site kept) on failure, problems with file and line.

use crate::support::{portico, write_files};

#[test]
fn builds_a_site_and_keeps_it_when_a_strict_build_fails() {
    let dir = tempfile::tempdir().expect("dir");
    write_files(
        dir.path(),
        &[
            ("mkdocs.yml", "site_name: Demo\n"),
            ("docs/index.md", "# Demo\n\n[next](next.md)\n"),
            ("docs/next.md", "# Next\n"),
        ],
    );
    let out = portico(&["techdocs", "build", ".", "--output", "out"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout} {}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("built 2 page(s) and 0 asset(s) into"), "{stdout}");
    assert!(dir.path().join("out/next/index.html").is_file());
    assert!(dir.path().join("out/techdocs_metadata.json").is_file());

    // A broken link is a warning, and with --strict an error that writes nothing.
    write_files(dir.path(), &[("docs/next.md", "# Next\n\n[gone](gone.md)\n")]);
    let out = portico(&["techdocs", "build", "--strict", "-o", "out"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stdout.contains(
            "error: docs/next.md:3: link target `gone.md` (gone) is not a file of this site"
        ),
        "{stdout}"
    );
    assert!(stderr.contains("error: 1 error(s); the site was not written"), "{stderr}");
    let old =
        std::fs::read_to_string(dir.path().join("out/next/index.html")).expect("old site kept");
    assert!(!old.contains("gone"), "the previous build is still there");
    let out = portico(&["techdocs", "build", "-o", "out"], dir.path());
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("warning: docs/next.md:3:"));
}

#[test]
fn a_folder_without_mkdocs_yml_is_one_clear_error() {
    let dir = tempfile::tempdir().expect("dir");
    let out = portico(&["techdocs", "build", "nowhere"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && !stderr.contains("panicked"), "{stderr}");
    write_files(dir.path(), &[("docs/index.md", "# x\n")]);
    let out = portico(&["techdocs", "build"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(stdout.contains("error: mkdocs.yml: no mkdocs.yml (or mkdocs.yaml) here"), "{stdout}");
}

#[test]
fn publish_checks_the_entity_and_the_site() {
    let dir = tempfile::tempdir().expect("dir");
    write_files(dir.path(), &[("mkdocs.yml", "site_name: Demo\n"), ("docs/index.md", "# Demo\n")]);
    assert!(portico(&["techdocs", "build"], dir.path()).status.success());
    for bad in ["default/component", "default/component/../x", "a/b/c/d", "default/comp onent/x"] {
        let out = portico(
            &["techdocs", "publish", "--entity", bad, "--publish-directory", "pub"],
            dir.path(),
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && stderr.contains("--entity must be"), "{bad}: {stderr}");
    }
    let out = portico(
        &["techdocs", "publish", "--entity", "default/x/y", "docs", "--publish-directory", "pub"],
        dir.path(),
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a built site"));
    let out = portico(
        &[
            "techdocs",
            "publish",
            "--entity",
            "Default/Component/Demo",
            "--publish-directory",
            "pub",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        dir.path().join("pub/default/component/demo/index.html").is_file(),
        "lower-cased triplet path"
    );
}
