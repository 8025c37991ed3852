//! Terraform state objects in S3, for `archaudit drift --tfstate s3://bucket/key` (and the
//! default: every `*.tfstate` in the documented state bucket). Read with the session's
//! credentials, endpoint and retries; the bytes stay in memory (a state can hold secrets).

use crate::aws::{Failure, Session};

/// A state object that could not be read, naming the call.
#[derive(Debug, thiserror::Error)]
#[error("s3://{bucket}/{key}: s3:{operation} failed: {code}: {message}")]
pub struct StateObjectError {
    /// The bucket.
    pub bucket: String,
    /// The key (or prefix).
    pub key: String,
    /// The API operation.
    pub operation: &'static str,
    /// AWS's code or the SDK's failure class.
    pub code: String,
    /// The message.
    pub message: String,
}

fn error(bucket: &str, key: &str, operation: &'static str, f: Failure) -> StateObjectError {
    StateObjectError {
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        operation,
        code: f.code,
        message: f.message,
    }
}

/// The client for the bucket's own region (its location, asked once).
async fn client(session: &Session, bucket: &str) -> Result<aws_sdk_s3::Client, StateObjectError> {
    let home = session.s3(session.home_region());
    let location = home
        .get_bucket_location()
        .bucket(bucket)
        .send()
        .await
        .map_err(|e| error(bucket, "", "GetBucketLocation", Failure::from_sdk(e)))?;
    let region = super::s3::location_to_region(location.location_constraint().map(|c| c.as_str()));
    Ok(session.s3(&region))
}

/// Reads one object.
pub async fn read(session: &Session, bucket: &str, key: &str) -> Result<Vec<u8>, StateObjectError> {
    let client = client(session, bucket).await?;
    let out = client
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(|e| error(bucket, key, "GetObject", Failure::from_sdk(e)))?;
    let body = out.body.collect().await.map_err(|e| {
        error(
            bucket,
            key,
            "GetObject",
            Failure::other("ResponseError", format!("reading the body: {e}")),
        )
    })?;
    Ok(body.into_bytes().to_vec())
}

/// The keys of every `*.tfstate` object in `bucket` (every page), sorted.
pub async fn list_states(session: &Session, bucket: &str) -> Result<Vec<String>, StateObjectError> {
    let client = client(session, bucket).await?;
    let mut keys = Vec::new();
    let mut pages = client
        .list_objects_v2()
        .bucket(bucket)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| error(bucket, "", "ListObjectsV2", Failure::from_sdk(e)))?;
        keys.extend(
            page.contents()
                .iter()
                .filter_map(|o| o.key())
                .filter(|k| k.ends_with(".tfstate"))
                .map(str::to_owned),
        );
    }
    keys.sort();
    Ok(keys)
}
