//! The same checks on every publisher: a folder, an S3 bucket on a real
//! S3-compatible server on loopback ([`S3Server`]), and an Azure Blob Storage
//! container on Azurite ([`AzureServer`]).

use super::*;
use crate::testing::{AzureServer, S3Server};

/// A built site: metadata, two pages, an image.
fn built_site(dir: &Path, etag: &str, pages: &[&str]) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("img")).expect("mkdir");
    let metadata = serde_json::json!({
        "site_name": "Demo", "site_description": "", "etag": etag,
        "build_timestamp": 1, "files": pages,
    });
    std::fs::write(dir.join(output::METADATA_FILE), metadata.to_string()).expect("write");
    for page in pages {
        let file = dir.join(page);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(file, format!("<p>{page} {etag}</p>")).expect("write");
    }
    std::fs::write(dir.join("img/logo.png"), [0x89, b'P', b'N', b'G']).expect("write");
}

/// Publishing, reading, listing and republishing, as any publisher must.
async fn publishes_reads_and_replaces(storage: &Storage) {
    let work = tempfile::tempdir().expect("dir");
    let built = work.path().join("site");
    built_site(&built, "one", &["index.html", "guide/index.html", "old/index.html"]);

    let site = storage.site("default", "Component", "Payments").expect("plain names");
    assert_eq!(site.path(), "default/component/payments");
    let written = storage.publish(&site, &built).await.expect("publish");
    assert_eq!(written, 5);

    let page = storage.read(&site, "guide/index.html").await.expect("page");
    assert_eq!(String::from_utf8_lossy(&page), "<p>guide/index.html one</p>");
    assert!(storage.read(&site, "img/logo.png").await.is_some());
    assert!(storage.read(&site, "missing.html").await.is_none());
    let sites = storage.sites().await;
    assert_eq!(sites.len(), 1, "{sites:?}");
    assert_eq!(sites[0].site, site);
    assert_eq!(sites[0].metadata.etag, "one");

    // Republished without a page: the new content, and the old page gone.
    built_site(&built, "two", &["index.html", "guide/index.html"]);
    storage.publish(&site, &built).await.expect("republish");
    let page = storage.read(&site, "guide/index.html").await.expect("page");
    assert_eq!(String::from_utf8_lossy(&page), "<p>guide/index.html two</p>");
    assert!(storage.read(&site, "old/index.html").await.is_none());
    let meta: Metadata = storage.json(&site, output::METADATA_FILE).await.expect("metadata");
    assert_eq!(meta.etag, "two");

    // Paths that could leave the site, and names that are not plain.
    for path in ["../payments/index.html", "/etc/passwd", "guide/../../x", "a\\b", "", "a//b"] {
        assert!(storage.read(&site, path).await.is_none(), "{path}");
    }
    for (ns, kind, name) in
        [("..", "component", "x"), ("default", "a/b", "x"), ("default", "c", "")]
    {
        assert!(storage.site(ns, kind, name).is_none(), "{ns}/{kind}/{name}");
    }

    // Not a built site: nothing is written.
    let empty = work.path().join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let other = storage.site("default", "component", "other").expect("names");
    let err = storage.publish(&other, &empty).await.expect_err("no metadata");
    assert!(err.to_string().contains("is not a built site"), "{err}");
    assert_eq!(storage.sites().await.len(), 1);
}

#[tokio::test]
async fn the_folder_publisher() {
    let root = tempfile::tempdir().expect("dir");
    let publisher = Publisher::default();
    let storage = Storage::open(&publisher, root.path(), false).expect("open");
    publishes_reads_and_replaces(&storage).await;
}

#[cfg(unix)]
#[tokio::test]
async fn a_symlink_neither_publishes_nor_reads_out_of_a_site() {
    let root = tempfile::tempdir().expect("dir");
    let storage = Storage::open(&Publisher::default(), root.path(), false).expect("open");
    let work = tempfile::tempdir().expect("dir");
    let built = work.path().join("site");
    built_site(&built, "one", &["index.html"]);
    std::os::unix::fs::symlink("/etc/passwd", built.join("passwd")).expect("symlink");
    let site = storage.site("default", "component", "x").expect("names");
    let err = storage.publish(&site, &built).await.expect_err("symlink");
    assert!(err.to_string().contains("is a symlink"), "{err}");

    std::fs::remove_file(built.join("passwd")).expect("rm");
    storage.publish(&site, &built).await.expect("publish");
    let dir = root.path().join("default/component/x");
    std::os::unix::fs::symlink("/etc/passwd", dir.join("passwd")).expect("symlink");
    assert!(storage.read(&site, "passwd").await.is_none());
}

#[test]
fn bucket_settings_that_cannot_work_are_refused_with_the_key() {
    let config = |yaml: serde_json::Value| -> Result<Storage, StorageError> {
        let publisher: Publisher = serde_json::from_value(yaml).expect("parse");
        Storage::open(&publisher, Path::new("/nowhere"), false)
    };
    let err = config(serde_json::json!({ "type": "awsS3" })).expect_err("no section");
    assert!(err.to_string().contains("techdocs.publisher.awsS3"), "{err}");
    let err = config(serde_json::json!({
        "type": "awsS3",
        "awsS3": { "bucketName": "docs", "credentials": { "roleArn": "arn:aws:iam::1:role/x" } }
    }))
    .expect_err("role");
    assert!(err.to_string().contains("roleArn"), "{err}");
    let err = config(serde_json::json!({
        "type": "awsS3",
        "awsS3": { "bucketName": "docs", "credentials": { "accessKeyId": "a" } }
    }))
    .expect_err("half a key");
    assert!(err.to_string().contains("secretAccessKey"), "{err}");
    let err = config(serde_json::json!({
        "type": "awsS3", "awsS3": { "bucketName": "docs", "bucketRootPath": "a/../b" }
    }))
    .expect_err("dot dot");
    assert!(err.to_string().contains("bucketRootPath"), "{err}");
    let unknown = serde_json::from_value::<Publisher>(serde_json::json!({ "type": "ftp" }));
    assert!(unknown.is_err());
}

#[tokio::test]
async fn the_azure_publisher_against_azurite() {
    let Some(azurite) = AzureServer::start() else { return };
    azurite.create_container("techdocs");
    let storage =
        Storage::open(&azurite.publisher("techdocs"), Path::new("/nowhere"), false).expect("open");
    assert!(storage.is_bucket());
    assert_eq!(storage.describe(), "az://techdocs/");
    publishes_reads_and_replaces(&storage).await;

    // A container that does not exist: an error naming the store, nothing panics.
    let missing =
        Storage::open(&azurite.publisher("nope"), Path::new("/nowhere"), false).expect("open");
    let site = missing.site("portal", "docs", "default").expect("names");
    let work = tempfile::tempdir().expect("dir");
    built_site(work.path(), "x", &["index.html"]);
    let err = missing.publish(&site, work.path()).await.expect_err("no container");
    assert!(err.to_string().contains("az://nope"), "{err}");
    assert!(missing.sites().await.is_empty());
}

#[tokio::test]
async fn the_s3_publisher_against_a_real_s3_server() {
    let Some(moto) = S3Server::start() else { return };
    moto.create_bucket("techdocs");
    let publisher = moto.publisher("techdocs", Some("portal/docs"));
    let storage = Storage::open(&publisher, Path::new("/nowhere"), false).expect("open");
    assert!(storage.is_bucket());
    assert_eq!(storage.describe(), "s3://techdocs/portal/docs");
    publishes_reads_and_replaces(&storage).await;

    // Backstage's layout: another reader of the bucket finds the same keys.
    let plain = Storage::open(&moto.publisher("techdocs", None), Path::new("/nowhere"), false)
        .expect("open");
    let site = plain.site("portal", "docs", "default").expect("names");
    assert!(plain.read(&site, "component/payments/index.html").await.is_some());

    // A bucket that does not exist: an error naming the store, nothing panics.
    let missing =
        Storage::open(&moto.publisher("nope", None), Path::new("/nowhere"), false).expect("open");
    let work = tempfile::tempdir().expect("dir");
    built_site(work.path(), "x", &["index.html"]);
    let err = missing.publish(&site, work.path()).await.expect_err("no bucket");
    assert!(err.to_string().contains("s3://nope/"), "{err}");
    assert!(missing.sites().await.is_empty());
}

#[tokio::test]
async fn the_gcs_publisher_through_the_xml_api() {
    let Some(moto) = S3Server::start_for_gcs() else { return };
    moto.create_bucket("gcsdocs");
    let storage =
        Storage::open(&moto.gcs_publisher("gcsdocs", Some("sites")), Path::new("/nowhere"), false)
            .expect("open");
    assert!(storage.is_bucket());
    assert_eq!(storage.describe(), "gs://gcsdocs/sites");
    publishes_reads_and_replaces(&storage).await;

    // The same keys through the S3 client: Backstage's layout under the root path.
    let s3 = Storage::open(&moto.publisher("gcsdocs", Some("sites")), Path::new("/nowhere"), false)
        .expect("open");
    let site = s3.site("default", "component", "payments").expect("names");
    let page = s3.read(&site, "guide/index.html").await.expect("written through GCS");
    assert_eq!(String::from_utf8_lossy(&page), "<p>guide/index.html two</p>");

    // A bucket that does not exist: an error naming the store, nothing panics.
    let missing = Storage::open(&moto.gcs_publisher("nope", None), Path::new("/nowhere"), false)
        .expect("open");
    let work = tempfile::tempdir().expect("dir");
    built_site(work.path(), "x", &["index.html"]);
    let err = missing.publish(&site, work.path()).await.expect_err("no bucket");
    assert!(err.to_string().contains("gs://nope/"), "{err}");
    assert!(missing.sites().await.is_empty());
}

#[test]
fn a_gcs_key_that_is_not_json_is_refused_with_the_key() {
    let publisher: Publisher = serde_json::from_value(serde_json::json!({
        "type": "googleGcs",
        "googleGcs": { "bucketName": "docs", "credentials": "{not json" }
    }))
    .expect("parse");
    let err = Storage::open(&publisher, Path::new("/nowhere"), false).expect_err("bad key");
    assert!(err.to_string().contains("googleGcs.credentials"), "{err}");
    // Plain http only when the key names such an endpoint: an https key
    // builds without asking for it.
    let publisher: Publisher = serde_json::from_value(serde_json::json!({
        "type": "googleGcs",
        "googleGcs": { "bucketName": "docs", "credentials": serde_json::json!({
            "gcs_base_url": "https://storage.example.test", "disable_oauth": true,
            "client_email": "", "private_key": "", "private_key_id": ""
        }).to_string() }
    }))
    .expect("parse");
    let storage = Storage::open(&publisher, Path::new("/nowhere"), false).expect("https key");
    assert_eq!(storage.describe(), "gs://docs/");
}
