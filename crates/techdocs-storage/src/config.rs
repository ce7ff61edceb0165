//! `techdocs.publisher`: Backstage's keys, so an existing `app-config.yaml`
//! points Portico at the same folder or bucket.

use serde::Deserialize;

/// `techdocs.publisher`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Publisher {
    /// `local` (default), `awsS3`, `googleGcs` or `azureBlobStorage`.
    #[serde(rename = "type", default)]
    pub kind: PublisherKind,
    /// `techdocs.publisher.local`.
    #[serde(default)]
    pub local: LocalPublisher,
    /// `techdocs.publisher.awsS3`.
    pub aws_s3: Option<AwsS3>,
    /// `techdocs.publisher.googleGcs`.
    pub google_gcs: Option<GoogleGcs>,
    /// `techdocs.publisher.azureBlobStorage`.
    pub azure_blob_storage: Option<AzureBlobStorage>,
}

/// `techdocs.publisher.type`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PublisherKind {
    #[default]
    Local,
    AwsS3,
    GoogleGcs,
    AzureBlobStorage,
}

/// `techdocs.publisher.local`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LocalPublisher {
    /// Where published sites live; default `<backend.dataDir>/plugins/techdocs/static/docs`.
    pub publish_directory: Option<String>,
}

/// `techdocs.publisher.awsS3`: S3 and S3-compatible servers (MinIO, Ceph, moto…).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AwsS3 {
    pub bucket_name: String,
    /// A folder in the bucket that holds the sites.
    pub bucket_root_path: Option<String>,
    /// Default: `AWS_REGION` / `AWS_DEFAULT_REGION`, else `us-east-1`.
    pub region: Option<String>,
    /// An S3-compatible server's URL (`http://` allowed).
    pub endpoint: Option<String>,
    /// Path-style URLs (`endpoint/bucket/key`), as most S3-compatible servers want.
    #[serde(default)]
    pub s3_force_path_style: bool,
    /// Static keys; without them the standard AWS environment variables,
    /// web identity or instance metadata are used.
    pub credentials: Option<AwsCredentials>,
    /// Backstage's account id (for its role lookup): not needed here; accepted.
    pub account_id: Option<String>,
    /// Server-side encryption: `AES256` or `aws:kms` (the bucket's default key).
    pub sse: Option<String>,
    /// Retries of a failed request.
    pub max_attempts: Option<usize>,
}

/// `techdocs.publisher.awsS3.credentials`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AwsCredentials {
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// Assuming a role is not supported: refused at start with a clear error.
    pub role_arn: Option<String>,
}

/// `techdocs.publisher.googleGcs`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GoogleGcs {
    pub bucket_name: String,
    pub bucket_root_path: Option<String>,
    /// Backstage's project id: not needed to read and write objects; accepted.
    pub project_id: Option<String>,
    /// A service account key, as JSON text; without it, application default credentials.
    pub credentials: Option<String>,
}

/// `techdocs.publisher.azureBlobStorage`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AzureBlobStorage {
    pub container_name: String,
    pub credentials: Option<AzureCredentials>,
    /// `AccountName=…;AccountKey=…;BlobEndpoint=…` (Azurite's, for example).
    pub connection_string: Option<String>,
}

/// `techdocs.publisher.azureBlobStorage.credentials`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AzureCredentials {
    pub account_name: Option<String>,
    pub account_key: Option<String>,
}
