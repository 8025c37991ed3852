//! Classifying failed AWS calls.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// A failed AWS call, reduced to what the inventory records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// AWS error code, or the SDK's failure class for errors that never reached AWS.
    pub code: String,
    /// Human-readable message.
    pub message: String,
}

impl Failure {
    /// Classifies an SDK error: service errors keep AWS's code and message; transport errors
    /// are named by their class (`DispatchFailure`, `TimeoutError`, `ResponseError`).
    pub fn from_sdk<E, R>(err: SdkError<E, R>) -> Failure
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let (code, message) = match &err {
            SdkError::ServiceError(service) => {
                let inner = service.err();
                (
                    inner.code().unwrap_or("UnknownServiceError").to_owned(),
                    inner
                        .message()
                        .map(str::to_owned)
                        .unwrap_or_else(|| DisplayErrorContext(&err).to_string()),
                )
            }
            SdkError::TimeoutError(_) => (
                "TimeoutError".to_owned(),
                DisplayErrorContext(&err).to_string(),
            ),
            SdkError::DispatchFailure(_) => (
                "DispatchFailure".to_owned(),
                DisplayErrorContext(&err).to_string(),
            ),
            SdkError::ResponseError(_) => (
                "ResponseError".to_owned(),
                DisplayErrorContext(&err).to_string(),
            ),
            SdkError::ConstructionFailure(_) => (
                "ConstructionFailure".to_owned(),
                DisplayErrorContext(&err).to_string(),
            ),
            _ => (
                "UnknownError".to_owned(),
                DisplayErrorContext(&err).to_string(),
            ),
        };
        Failure { code, message }
    }

    /// A failure that is not an SDK error (e.g. an unparsable policy document).
    pub fn other(code: &str, message: impl Into<String>) -> Failure {
        Failure {
            code: code.to_owned(),
            message: message.into(),
        }
    }
}
