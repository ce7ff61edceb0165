//! Whole sites built from repositories written into a temporary folder, one
//! helper per concern: [`repo`] writes the files, [`build`] builds, [`problems`]
//! lists the diagnostics as `file:line: message`.

use std::path::Path;

use expect_test::expect;
use portico_techdocs::output::{self, Metadata, SiteIndex};
use portico_techdocs::{BuildOptions, NavItem, Site};

/// Writes `files` (path, content) under a new temporary folder.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

fn build(dir: &Path, strict: bool) -> Result<Site, String> {
    let options = BuildOptions { strict, allow_env: false, etag: Some("abc123".into()) };
    portico_techdocs::build(dir, dir, &options).map_err(|d| d.to_string())
}

fn problems(site: &Site) -> Vec<String> {
    site.diagnostics.iter().map(|d| d.to_string()).collect()
}

fn nav_lines(items: &[NavItem], depth: usize, out: &mut String) {
    for item in items {
        let url = item.url.as_deref().map(|u| format!(" -> {u:?}")).unwrap_or_default();
        out.push_str(&format!("{}{}{url}\n", "  ".repeat(depth), item.title));
        nav_lines(&item.children, depth + 1, out);
    }
}

fn nav(site: &Site) -> String {
    let mut out = String::new();
    nav_lines(&site.nav, 0, &mut out);
    out
}

const BASE: &str = "site_description: From the base\nrepo_url: https://github.com/acme/docs\nedit_uri: edit/main/docs\n";

fn monorepo() -> tempfile::TempDir {
    repo(&[
        ("base.yml", BASE),
        (
            "mkdocs.yml",
            "INHERIT: base.yml\nsite_name: Acme\nplugins:\n  - techdocs-core\nnav:\n  - Home: index.md\n  - Guide:\n      - guide/setup.md\n      - Use it: guide/use.md\n      - Missing: guide/nope.md\n  - Backend: '!include ./backend/mkdocs.yml'\n  - Tagged: !include ./frontend\n  - Issues: https://github.com/acme/docs/issues\n",
        ),
        (
            "docs/index.md",
            "# Welcome\n\nSee [setup](guide/setup.md#install) and [backend](../backend/docs/index.md).\n\n--8<-- \"snippets/note.md\"\n",
        ),
        (
            "docs/guide/setup.md",
            "# Set up\n\n## Install\n\n![Diagram](../img/d.png)\n\n[bad anchor](use.md#nowhere)\n",
        ),
        ("docs/guide/use.md", "Using it, no heading.\n"),
        ("docs/img/d.png", "png"),
        ("snippets/note.md", "!!! note\n    From a snippet.\n"),
        ("backend/mkdocs.yml", "site_name: backend\n"),
        ("backend/docs/index.md", "# Backend\n"),
        ("backend/docs/api.md", "# API\n"),
        ("frontend/mkdocs.yml", "site_name: web ui\nnav:\n  - Start: start.md\n"),
        ("frontend/docs/start.md", "# Start\n"),
    ])
}

#[test]
fn a_monorepo_site_with_inherit_include_and_snippets() {
    let dir = monorepo();
    let site = build(dir.path(), false).unwrap();
    assert_eq!(site.site_name, "Acme");
    assert_eq!(site.site_description.as_deref(), Some("From the base"));
    expect![[r#"
        Home -> ""
        Guide
          Set up -> "guide/setup/"
          Use it -> "guide/use/"
        Backend
          Backend -> "backend/"
          API -> "backend/api/"
        Tagged
          Start -> "web-ui/start/"
        Issues -> "https://github.com/acme/docs/issues"
    "#]]
    .assert_eq(&nav(&site));
    expect![[r#"
        [
            "warning: docs/guide/setup.md:7: anchor `#nowhere` is not a heading or id on `guide/use/`",
            "warning: mkdocs.yml:10: nav entry `guide/nope.md` is not a page in `docs`",
        ]
    "#]]
    .assert_debug_eq(&problems(&site));
    let home = site.pages.iter().find(|p| p.url.is_empty()).unwrap();
    assert!(
        home.rendered.html.contains(r#"<a href="guide/setup/#install""#),
        "{}",
        home.rendered.html
    );
    assert!(home.rendered.html.contains(r#"<a href="backend/""#), "{}", home.rendered.html);
    assert!(home.rendered.html.contains("From a snippet."), "{}", home.rendered.html);
    assert_eq!(
        home.edit_url.as_deref(),
        Some("https://github.com/acme/docs/edit/main/docs/index.md")
    );
    let setup = site.pages.iter().find(|p| p.url == "guide/setup/").unwrap();
    assert!(
        setup.rendered.html.contains(r#"<img src="../../img/d.png" alt="Diagram" />"#),
        "{}",
        setup.rendered.html
    );
    assert_eq!(site.etag, "abc123");
}

#[test]
fn strict_turns_link_problems_into_errors_and_nothing_is_written() {
    let dir = monorepo();
    let site = build(dir.path(), true).unwrap();
    assert!(site.has_errors());
    assert!(problems(&site).iter().all(|p| p.starts_with("error:")), "{:?}", problems(&site));
}

#[test]
fn without_nav_the_files_make_it() {
    let dir = repo(&[
        ("mkdocs.yml", "site_name: Auto\n"),
        ("docs/index.md", "# Home\n"),
        ("docs/zeta.md", "# Zeta page\n"),
        ("docs/alpha.md", "no heading\n"),
        ("docs/getting-started/README.md", "# Start here\n"),
        ("docs/getting-started/more_things.md", "# More\n"),
        ("docs/.hidden/secret.md", "# Hidden\n"),
    ]);
    let site = build(dir.path(), false).unwrap();
    expect![[r#"
        Home -> ""
        Alpha -> "alpha/"
        Zeta page -> "zeta/"
        Getting started
          Start here -> "getting-started/"
          More -> "getting-started/more_things/"
    "#]]
    .assert_eq(&nav(&site));
    assert!(problems(&site).is_empty(), "{:?}", problems(&site));
}

#[test]
fn configurations_that_cannot_work_are_clear_errors() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("docs/index.md", "x")], "no mkdocs.yml"),
        (
            &[("mkdocs.yml", "site_description: x\n"), ("docs/index.md", "x")],
            "mkdocs.yml:1: `site_name` is required",
        ),
        (&[("mkdocs.yml", "site_name: [unclosed\n")], "mkdocs.yml:2: mkdocs.yml is not valid YAML"),
        (&[("mkdocs.yml", "- a list\n")], "must be a mapping"),
        (
            &[("mkdocs.yml", "site_name: x\ndocs_dir: ../outside\n")],
            "mkdocs.yml:2: docs_dir: `../outside` leaves the repository",
        ),
        (&[("mkdocs.yml", "site_name: x\ndocs_dir: /etc\n")], "absolute path"),
        (&[("mkdocs.yml", "site_name: x\ndocs_dir: missing\n")], "is not a folder"),
        (
            &[("mkdocs.yml", "INHERIT: ../../base.yml\nsite_name: x\n")],
            "INHERIT: `../../base.yml` leaves the repository",
        ),
        (
            &[
                (
                    "mkdocs.yml",
                    "site_name: x\nnav:\n  - A: '!include ../../elsewhere/mkdocs.yml'\n",
                ),
                ("docs/index.md", "x"),
            ],
            "mkdocs.yml:3: !include",
        ),
        (
            &[("mkdocs.yml", "site_name: x\nnav: just text\n"), ("docs/index.md", "x")],
            "`nav` must be a list",
        ),
        (
            &[
                ("mkdocs.yml", "site_name: x\nnav:\n  - {a: b.md, c: d.md}\n"),
                ("docs/index.md", "x"),
            ],
            "mkdocs.yml:3: a nav entry is",
        ),
        (&[("mkdocs.yml", "INHERIT: mkdocs.yml\nsite_name: x\n")], "nested too deeply"),
    ];
    for (files, expected) in cases {
        let dir = repo(files);
        let error = build(dir.path(), false).err().unwrap_or_else(|| panic!("{files:?} built"));
        assert!(error.contains(expected), "{files:?}: {error}");
        assert!(error.starts_with("error: "), "{error}");
    }
}

#[test]
fn env_is_read_only_when_allowed() {
    let dir = repo(&[
        ("mkdocs.yml", "site_name: !ENV [PORTICO_TEST_NO_SUCH_VAR, Fallback]\n"),
        ("docs/index.md", "x"),
    ]);
    let site = build(dir.path(), false).unwrap();
    assert_eq!(site.site_name, "Fallback");
    assert!(problems(&site)[0].contains("`!ENV` is not read"), "{:?}", problems(&site));
    let options = BuildOptions { allow_env: true, ..BuildOptions::default() };
    let dir = repo(&[("mkdocs.yml", "site_name: !ENV HOME\n"), ("docs/index.md", "x")]);
    let site = portico_techdocs::build(dir.path(), dir.path(), &options).unwrap();
    assert_eq!(site.site_name, std::env::var("HOME").unwrap());
}

#[test]
fn bad_pages_are_reported_and_the_rest_builds() {
    let dir = repo(&[("mkdocs.yml", "site_name: x\n"), ("docs/index.md", "# Fine\n")]);
    let docs = dir.path().join("docs");
    std::fs::write(docs.join("latin1.md"), b"# Caf\xe9\n\nline two\n\xff\n").unwrap();
    std::fs::write(docs.join("huge.md"), "a".repeat(20 * 1024 * 1024)).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/etc/passwd", docs.join("passwd.md")).unwrap();
        std::os::unix::fs::symlink("/etc", docs.join("etc")).unwrap();
    }
    let site = build(dir.path(), false).unwrap();
    expect![[r#"
        [
            "error: docs/etc: symlink leads out of the repository (or nowhere); it is not published",
            "error: docs/huge.md: the page is larger than 8 MiB and is not rendered",
            "error: docs/latin1.md:1: the page is not valid UTF-8",
            "error: docs/passwd.md: symlink leads out of the repository (or nowhere); it is not published",
        ]
    "#]]
    .assert_debug_eq(&problems(&site));
    assert_eq!(site.pages.len(), 1);
}

#[test]
fn the_written_site_has_backstages_layout_and_portico_files() {
    let dir = monorepo();
    let site = build(dir.path(), false).unwrap();
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("site");
    std::fs::create_dir_all(dest.join("stale/deeper")).unwrap();
    std::fs::write(dest.join("stale/deeper/page.html"), "old").unwrap();
    // A link in the old site to a folder outside it: removed, never followed.
    let outside = out.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("keep.txt"), "mine").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, dest.join("stale/link")).unwrap();
    output::write_site(&site, &dest).unwrap();
    assert!(!dest.join("stale").exists(), "the old site is replaced as a whole");
    assert_eq!(std::fs::read_to_string(outside.join("keep.txt")).unwrap(), "mine");
    let leftovers: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "site" && name != "outside")
        .collect();
    assert!(leftovers.is_empty(), "the old site and the staging folder are gone: {leftovers:?}");
    let metadata: Metadata =
        serde_json::from_slice(&std::fs::read(dest.join("techdocs_metadata.json")).unwrap())
            .unwrap();
    assert_eq!((metadata.site_name.as_str(), metadata.etag.as_str()), ("Acme", "abc123"));
    for file in &metadata.files {
        assert!(dest.join(file).is_file(), "{file} is listed but missing");
    }
    expect![[r#"
        [
            "backend/api/index.html",
            "backend/index.html",
            "guide/setup/index.html",
            "guide/use/index.html",
            "img/d.png",
            "index.html",
            "search/search_index.json",
            "web-ui/start/index.html",
        ]
    "#]]
    .assert_debug_eq(&metadata.files);
    let index: SiteIndex =
        serde_json::from_slice(&std::fs::read(dest.join(output::SITE_INDEX_FILE)).unwrap())
            .unwrap();
    assert_eq!(index.nav, site.nav);
    let use_page = index.pages.iter().find(|p| p.url == "guide/use/").unwrap();
    assert_eq!((use_page.title.as_str(), use_page.word_count), ("Use", 4));
    let document = std::fs::read_to_string(dest.join("guide/setup/index.html")).unwrap();
    let detail = output::page_detail(&document).expect("the page carries its detail");
    assert_eq!(detail.title, "Set up");
    assert!(
        detail
            .headings
            .iter()
            .any(|h| (h.level, h.id.as_str(), h.title.as_str()) == (2, "install", "Install")),
        "{detail:?}"
    );
    assert!(!dest.join(output::PORTICO_DIR).join("pages").exists(), "no detail files any more");
    let search: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dest.join("search/search_index.json")).unwrap())
            .unwrap();
    let locations: Vec<&str> = search["docs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["location"].as_str().unwrap())
        .collect();
    assert!(locations.contains(&"guide/setup/#install"), "{locations:?}");
    let page = std::fs::read_to_string(dest.join("guide/setup/index.html")).unwrap();
    let content = page
        .split(output::CONTENT_START)
        .nth(1)
        .and_then(|r| r.split(output::CONTENT_END).next())
        .unwrap();
    assert_eq!(content, site.pages.iter().find(|p| p.url == "guide/setup/").unwrap().rendered.html);
    assert!(page.contains(r#"<a href="../use/">Use it</a>"#), "the nav links relative to the page");
}

/// Backstage's own docs (../shared/corpora/backstage, 364 pages) build without an error.
#[test]
fn backstages_docs_build() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/backstage");
    let site = portico_techdocs::build(&corpus, &corpus, &BuildOptions::default()).unwrap();
    assert!(
        !site.has_errors(),
        "{:?}",
        problems(&site).iter().filter(|p| p.starts_with("error")).collect::<Vec<_>>()
    );
    assert_eq!(site.pages.len(), 364);
    assert_eq!(site.site_name, "Backstage");
    let start = site.pages.iter().find(|p| p.url == "getting-started/").unwrap();
    assert!(start.rendered.html.contains(r#"<h3 id="prerequisites">"#));
    assert_eq!(
        start.edit_url.as_deref(),
        Some("https://github.com/backstage/backstage/edit/master/docs/getting-started/index.md")
    );
    // Every nav entry of mkdocs.yml resolves (the corpus's nav is complete).
    assert!(!problems(&site).iter().any(|p| p.contains("nav entry")), "{:?}", problems(&site));
}

/// Rebuilds the site in `dir` after `changed` (relative paths) were written.
fn rebuild(site: Site, dir: &Path, changed: &[&str]) -> portico_techdocs::Rebuild {
    let root = dir.canonicalize().unwrap();
    let changed: Vec<_> = changed.iter().map(|c| root.join(c)).collect();
    let options = BuildOptions::default();
    portico_techdocs::rebuild(site, dir, dir, &options, &changed).unwrap()
}

fn html_of<'s>(site: &'s Site, url: &str) -> &'s str {
    &site.pages.iter().find(|p| p.url == url).unwrap().rendered.html
}

#[test]
fn a_saved_page_is_the_only_one_rendered_again() {
    let dir = repo(&[
        ("mkdocs.yml", "site_name: Small\n"),
        ("docs/index.md", "# Home\n\nSee [a](a.md#part).\n"),
        ("docs/a.md", "# A\n\n## Part\n\nFirst text.\n"),
        ("docs/b.md", "# B\n\nUnchanged.\n"),
    ]);
    let first = portico_techdocs::build(dir.path(), dir.path(), &BuildOptions::default()).unwrap();
    let etag = first.etag.clone();
    assert!(problems(&first).is_empty(), "{:?}", problems(&first));

    // One page saved: only it is rendered; the anchor check sees its new ids.
    std::fs::write(dir.path().join("docs/a.md"), "# A again\n\n## Other\n\nSecond text.\n")
        .unwrap();
    let second = rebuild(first, dir.path(), &["docs/a.md"]);
    assert!(!second.full);
    assert_eq!(second.rendered, ["a/"]);
    assert!(html_of(&second.site, "a/").contains("Second text"));
    assert!(html_of(&second.site, "b/").contains("Unchanged"));
    assert_ne!(second.site.etag, etag, "the etag follows the content");
    assert_eq!(nav(&second.site), "Home -> \"\"\nA again -> \"a/\"\nB -> \"b/\"\n");
    expect![[r#"
        [
            "warning: docs/index.md:3: anchor `#part` is not a heading or id on `a/`",
        ]
    "#]]
    .assert_debug_eq(&problems(&second.site));

    // The same build from scratch gives the same site.
    let scratch =
        portico_techdocs::build(dir.path(), dir.path(), &BuildOptions::default()).unwrap();
    assert_eq!(scratch.etag, second.site.etag);
    assert_eq!(html_of(&scratch, "a/"), html_of(&second.site, "a/"));

    // A new page changes the layout (links resolve against it): everything renders.
    std::fs::write(dir.path().join("docs/c.md"), "# C\n").unwrap();
    let third = rebuild(second.site, dir.path(), &["docs/c.md"]);
    assert!(third.full);
    assert_eq!(third.rendered.len(), 4);

    // mkdocs.yml is not a page: everything renders, with the new config.
    std::fs::write(dir.path().join("mkdocs.yml"), "site_name: Renamed\n").unwrap();
    let fourth = rebuild(third.site, dir.path(), &["mkdocs.yml"]);
    assert!(fourth.full);
    assert_eq!(fourth.site.site_name, "Renamed");
}

#[test]
fn an_updated_site_on_disk_matches_a_fresh_write() {
    let dir = repo(&[
        ("mkdocs.yml", "site_name: Small\n"),
        ("docs/index.md", "# Home\n"),
        ("docs/a.md", "# A\n\nOld words.\n"),
    ]);
    let out = tempfile::tempdir().unwrap();
    let (updated, fresh) = (out.path().join("updated"), out.path().join("fresh"));
    let first = portico_techdocs::build(dir.path(), dir.path(), &BuildOptions::default()).unwrap();
    output::write_site(&first, &updated).unwrap();

    std::fs::write(dir.path().join("docs/a.md"), "# A\n\nNew words.\n").unwrap();
    let again = rebuild(first, dir.path(), &["docs/a.md"]);
    output::update_site(&again.site, &updated, &again.rendered).unwrap();
    output::write_site(&again.site, &fresh).unwrap();

    let files = |root: &Path| -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<_> = walkdir::WalkDir::new(root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(root).unwrap().display().to_string();
                (rel, std::fs::read(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    };
    let (updated_files, fresh_files) = (files(&updated), files(&fresh));
    let names = |f: &[(String, Vec<u8>)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&updated_files), names(&fresh_files), "no file left over or missing");
    for ((name, a), (_, b)) in updated_files.iter().zip(&fresh_files) {
        if name != output::METADATA_FILE {
            assert_eq!(a, b, "{name} differs");
        }
    }
    let metadata: Metadata =
        serde_json::from_slice(&std::fs::read(updated.join(output::METADATA_FILE)).unwrap())
            .unwrap();
    assert_eq!(metadata.etag, again.site.etag);
}

/// Runs git in `dir` with a fixed author and commit date.
fn git(dir: &Path, date: &str, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_AUTHOR_NAME", "Docs Author")
        .env("GIT_AUTHOR_EMAIL", "docs@example.com")
        .env("GIT_COMMITTER_NAME", "Docs Author")
        .env("GIT_COMMITTER_EMAIL", "docs@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn pages_carry_their_last_commit_date_from_git() {
    let dir = repo(&[
        ("mkdocs.yml", "site_name: Dated\n"),
        ("docs/index.md", "# Home\n"),
        ("docs/guide/setup.md", "# Setup\n"),
        ("docs/guide/other.md", "# Other\n"),
    ]);
    let root = dir.path();
    // 2024-01-01T00:00:00Z and 2025-06-01T12:00:00Z.
    git(root, "2024-01-01T00:00:00Z", &["init", "-q", "-b", "main"]);
    git(root, "2024-01-01T00:00:00Z", &["add", "."]);
    git(root, "2024-01-01T00:00:00Z", &["commit", "-q", "-m", "first"]);
    std::fs::write(root.join("docs/guide/setup.md"), "# Setup\n\nRevised.\n").expect("edit");
    git(root, "2025-06-01T12:00:00Z", &["commit", "-q", "-am", "revise setup"]);
    // A commit that changes nothing moves no date.
    git(root, "2026-01-01T00:00:00Z", &["commit", "-q", "--allow-empty", "-m", "empty"]);
    std::fs::write(root.join("docs/new.md"), "# New\n").expect("untracked page");

    let site = build(root, false).expect("builds");
    let dates: Vec<(String, Option<i64>)> =
        site.pages.iter().map(|p| (p.source.clone(), p.last_modified)).collect();
    let want = [
        ("docs/guide/other.md", Some(1_704_067_200)),
        ("docs/guide/setup.md", Some(1_748_779_200)),
        ("docs/index.md", Some(1_704_067_200)),
        ("docs/new.md", None),
    ];
    let mut dates = dates;
    dates.sort();
    assert_eq!(dates, want.map(|(p, d)| (p.to_owned(), d)));

    // Written into the page's metadata, with its word count.
    let out = tempfile::tempdir().expect("out");
    portico_techdocs::output::write_site(&site, out.path()).expect("written");
    let document =
        std::fs::read_to_string(out.path().join("guide/setup/index.html")).expect("page");
    let detail = portico_techdocs::output::page_detail(&document).expect("detail");
    assert_eq!(detail.last_modified, Some(1_748_779_200));
    assert_eq!(detail.word_count, 1, "the words of the text, not the headings: {detail:?}");

    // A shallow clone (CI's usual checkout): its one commit added every page.
    let clone = tempfile::tempdir().expect("clone");
    let url = format!("file://{}", root.display());
    git(clone.path(), "2026-01-01T00:00:00Z", &["clone", "-q", "--depth", "1", &url, "shallow"]);
    let site = build(&clone.path().join("shallow"), false).expect("builds");
    assert!(!site.pages.is_empty());
    for page in &site.pages {
        assert_eq!(page.last_modified, Some(1_767_225_600), "{}", page.source);
    }

    // Outside any repository there are no dates, and the build goes on.
    let plain = repo(&[("mkdocs.yml", "site_name: Plain\n"), ("docs/index.md", "# Home\n")]);
    let site = build(plain.path(), false).expect("builds");
    assert_eq!(site.pages[0].last_modified, None);
}
