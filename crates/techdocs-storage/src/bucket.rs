//! Sites in a bucket: S3 (and S3-compatible servers), Google Cloud Storage
//! and Azure Blob Storage, through object_store.

use crate::config::{AwsS3, AzureBlobStorage, GoogleGcs, PublisherKind};
use crate::{MAX_FILE_BYTES, Publisher, SiteRef, StorageError};
use futures::{StreamExt, TryStreamExt};
use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

/// Uploads in flight at once while publishing.
const PARALLEL_UPLOADS: usize = 8;

#[derive(Debug, Clone)]
pub(crate) struct Bucket {
    store: Arc<dyn ObjectStore>,
    /// `bucketRootPath`, as key parts.
    root: Vec<String>,
    /// `s3://bucket/root`, for messages.
    name: String,
}

impl Bucket {
    pub(crate) fn open(publisher: &Publisher) -> Result<Self, StorageError> {
        let missing = |key: &str| {
            StorageError::Config(format!(
                "type is {:?} but `techdocs.publisher.{key}` is missing",
                publisher.kind
            ))
        };
        let (store, scheme, bucket, root): (Arc<dyn ObjectStore>, _, _, _) = match publisher.kind {
            PublisherKind::AwsS3 => {
                let c = publisher.aws_s3.as_ref().ok_or_else(|| missing("awsS3"))?;
                (Arc::new(s3(c)?), "s3", &c.bucket_name, c.bucket_root_path.as_deref())
            }
            PublisherKind::GoogleGcs => {
                let c = publisher.google_gcs.as_ref().ok_or_else(|| missing("googleGcs"))?;
                (Arc::new(gcs(c)?), "gs", &c.bucket_name, c.bucket_root_path.as_deref())
            }
            PublisherKind::AzureBlobStorage => {
                let c = publisher
                    .azure_blob_storage
                    .as_ref()
                    .ok_or_else(|| missing("azureBlobStorage"))?;
                (Arc::new(azure(c)?), "az", &c.container_name, None)
            }
            PublisherKind::Local => {
                return Err(StorageError::Config("the local publisher is a folder".into()));
            }
        };
        let root: Vec<String> = root
            .unwrap_or_default()
            .split('/')
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        if root.iter().any(|p| p == "." || p == "..") {
            return Err(StorageError::Config("bucketRootPath cannot contain `.` or `..`".into()));
        }
        let name = format!("{scheme}://{bucket}/{}", root.join("/"));
        Ok(Self { store, root, name })
    }

    pub(crate) fn describe(&self) -> String {
        self.name.clone()
    }

    fn key<'a>(&'a self, parts: impl IntoIterator<Item = &'a str>) -> Key {
        Key::from_iter(self.root.iter().map(String::as_str).chain(parts))
    }

    fn site_key<'a>(&'a self, site: &'a SiteRef, parts: &'a [String]) -> Key {
        let site_parts = [site.namespace.as_str(), site.kind.as_str(), site.name.as_str()];
        self.key(site_parts.into_iter().chain(parts.iter().map(String::as_str)))
    }

    fn error(&self, source: object_store::Error) -> StorageError {
        StorageError::Bucket { store: self.name.clone(), source }
    }

    pub(crate) async fn read(&self, site: &SiteRef, parts: &[String]) -> Option<Vec<u8>> {
        let key = self.site_key(site, parts);
        let found = match self.store.get(&key).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => return None,
            Err(e) => {
                tracing::warn!(store = %self.name, key = %key, error = %e, "techdocs: reading from the bucket failed");
                return None;
            }
        };
        if found.meta.size > MAX_FILE_BYTES {
            return None;
        }
        found.bytes().await.ok().map(|b| b.to_vec())
    }

    /// The folders three levels under the root, listed level by level (a
    /// delimited listing per folder, not every object of every site).
    pub(crate) async fn site_paths(&self) -> Vec<[String; 3]> {
        let mut paths = Vec::new();
        for namespace in self.folders(&[]).await {
            for kind in self.folders(&[&namespace]).await {
                for name in self.folders(&[&namespace, &kind]).await {
                    paths.push([namespace.clone(), kind.clone(), name]);
                }
            }
        }
        paths
    }

    async fn folders(&self, under: &[&str]) -> Vec<String> {
        let prefix = self.key(under.iter().copied());
        let prefix = (!prefix.as_ref().is_empty()).then_some(prefix);
        match self.store.list_with_delimiter(prefix.as_ref()).await {
            Ok(list) => {
                let mut names: Vec<String> = list
                    .common_prefixes
                    .iter()
                    .filter_map(|p| p.filename().map(str::to_owned))
                    .collect();
                names.sort();
                names
            }
            Err(e) => {
                tracing::warn!(store = %self.name, error = %e, "techdocs: listing the bucket failed");
                Vec::new()
            }
        }
    }

    /// Uploads every file, the metadata last, then deletes the objects of
    /// the site the new build does not have.
    pub(crate) async fn publish(
        &self,
        site: &SiteRef,
        dir: &Path,
        files: Vec<String>,
    ) -> Result<usize, StorageError> {
        let metadata = portico_techdocs::output::METADATA_FILE;
        let parts = |file: &str| file.split('/').map(str::to_owned).collect::<Vec<_>>();
        let upload = |file: String| {
            let (key, path) = (self.site_key(site, &parts(&file)), dir.join(&file));
            async move {
                let bytes = tokio::fs::read(&path)
                    .await
                    .map_err(|source| StorageError::Io { path: path.clone(), source })?;
                self.store.put(&key, PutPayload::from(bytes)).await.map_err(|e| self.error(e))?;
                Ok::<Key, StorageError>(key)
            }
        };
        let (last, rest): (Vec<String>, Vec<String>) =
            files.into_iter().partition(|f| f == metadata);
        let mut written: HashSet<Key> = futures::stream::iter(rest.into_iter().map(upload))
            .buffer_unordered(PARALLEL_UPLOADS)
            .try_collect()
            .await?;
        for file in last {
            written.insert(upload(file).await?);
        }
        let prefix = self.site_key(site, &[]);
        let stale: Vec<Key> = self
            .store
            .list(Some(&prefix))
            .map_ok(|meta| meta.location)
            .try_filter(|key| std::future::ready(!written.contains(key)))
            .try_collect()
            .await
            .map_err(|e| self.error(e))?;
        for key in stale {
            self.store.delete(&key).await.map_err(|e| self.error(e))?;
        }
        Ok(written.len())
    }
}

fn built(
    kind: &str,
    result: object_store::Result<impl ObjectStore>,
) -> Result<impl ObjectStore, StorageError> {
    result.map_err(|e| StorageError::Config(format!("{kind}: {e}")))
}

fn s3(c: &AwsS3) -> Result<impl ObjectStore, StorageError> {
    use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
    let mut builder = AmazonS3Builder::from_env().with_bucket_name(&c.bucket_name);
    let region = c
        .region
        .clone()
        .or_else(|| std::env::var("AWS_REGION").ok())
        .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
        .unwrap_or_else(|| "us-east-1".into());
    builder = builder.with_region(region);
    if let Some(endpoint) = &c.endpoint {
        builder = builder.with_endpoint(endpoint).with_allow_http(endpoint.starts_with("http://"));
    }
    builder = builder.with_virtual_hosted_style_request(!c.s3_force_path_style);
    if let Some(credentials) = &c.credentials {
        if credentials.role_arn.is_some() {
            return Err(StorageError::Config(
                "awsS3.credentials.roleArn: assuming a role is not supported; give keys, or the standard AWS environment (AWS_ACCESS_KEY_ID, AWS_WEB_IDENTITY_TOKEN_FILE, instance metadata)".into(),
            ));
        }
        match (&credentials.access_key_id, &credentials.secret_access_key) {
            (Some(id), Some(secret)) => {
                builder = builder.with_access_key_id(id).with_secret_access_key(secret);
            }
            (None, None) => {}
            _ => {
                return Err(StorageError::Config(
                    "awsS3.credentials needs both accessKeyId and secretAccessKey".into(),
                ));
            }
        }
    }
    if let Some(sse) = &c.sse {
        let key: AmazonS3ConfigKey = "aws_server_side_encryption"
            .parse()
            .map_err(|e| StorageError::Config(format!("awsS3.sse: {e}")))?;
        builder = builder.with_config(key, sse);
    }
    if let Some(attempts) = c.max_attempts {
        let retry = object_store::RetryConfig {
            max_retries: attempts.saturating_sub(1),
            ..Default::default()
        };
        builder = builder.with_retry(retry);
    }
    built("awsS3", builder.build())
}

fn gcs(c: &GoogleGcs) -> Result<impl ObjectStore, StorageError> {
    use object_store::gcp::GoogleCloudStorageBuilder;
    let mut builder = GoogleCloudStorageBuilder::from_env().with_bucket_name(&c.bucket_name);
    if let Some(key) = &c.credentials {
        // A key may name another endpoint (`gcs_base_url`, with
        // `disable_oauth`: how object_store reaches an emulator or a
        // gateway). Plain http is allowed only when the key asks for it.
        let base_url = serde_json::from_str::<serde_json::Value>(key)
            .map_err(|e| {
                StorageError::Config(format!(
                    "googleGcs.credentials is not a JSON service account key: {e}"
                ))
            })?
            .get("gcs_base_url")
            .and_then(|v| v.as_str().map(str::to_owned));
        if base_url.as_deref().is_some_and(|url| url.starts_with("http://")) {
            builder = builder
                .with_client_options(object_store::ClientOptions::new().with_allow_http(true));
        }
        builder = builder.with_service_account_key(key);
    }
    built("googleGcs", builder.build())
}

fn azure(c: &AzureBlobStorage) -> Result<impl ObjectStore, StorageError> {
    use object_store::azure::MicrosoftAzureBuilder;
    let mut builder = MicrosoftAzureBuilder::from_env().with_container_name(&c.container_name);
    if let Some(credentials) = &c.credentials {
        if let Some(account) = &credentials.account_name {
            builder = builder.with_account(account);
        }
        if let Some(key) = &credentials.account_key {
            builder = builder.with_access_key(key);
        }
    }
    if let Some(connection) = &c.connection_string {
        for (key, value) in connection.split(';').filter_map(|pair| pair.split_once('=')) {
            builder = match key.trim() {
                "AccountName" => builder.with_account(value),
                "AccountKey" => builder.with_access_key(value),
                "BlobEndpoint" => builder
                    .with_endpoint(value.to_owned())
                    .with_allow_http(value.starts_with("http://")),
                _ => builder,
            };
        }
    }
    built("azureBlobStorage", builder.build())
}
