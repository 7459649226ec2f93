//! Why a use case did not happen, in the service's words; the API maps each variant to one
//! problem type, once (`zhidu_api::error`).

use serde_json::Value;
use zhidu_domain::Refusal;
use zhidu_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The thing named does not exist, or the caller may not know that it does.
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    /// The state changed under the request (a key taken meanwhile, a step already decided).
    #[error("{0}")]
    Conflict(String),
    /// A conflict a rule names: the thing is not yet in the state the rule requires (ACC-3's
    /// statement before a confirmation).
    #[error("{detail}")]
    RuleConflict { rule: &'static str, detail: String },
    /// The caller's version of the resource is not the current one.
    #[error("{0}")]
    Stale(String),
    /// A field has the right shape but names something that does not exist or contradicts
    /// another field.
    #[error("{field}: {message}")]
    FieldRefused { field: String, message: String },
    /// Several fields refused at once, the first one first (never empty).
    #[error("{}", .0.first().map_or("", |note| note.message.as_str()))]
    FieldsRefused(Vec<FieldNote>),
    /// A business rule refused the request; `context` adds rule-specific members to the
    /// answer (the missing field, the fields concerned).
    #[error("{detail}")]
    Refused {
        rule: &'static str,
        detail: String,
        fields: Vec<FieldNote>,
        context: Vec<(&'static str, Value)>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One field a refusal concerns.
#[derive(Debug, Clone)]
pub struct FieldNote {
    pub field: String,
    pub message: String,
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl From<Refusal> for ServiceError {
    fn from(refusal: Refusal) -> Self {
        Self::refused(refusal.rule, refusal.detail)
    }
}

impl ServiceError {
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::NotFound(detail.into())
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::Forbidden(detail.into())
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::Conflict(detail.into())
    }

    pub fn field_refused(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::FieldRefused {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn refused(rule: &'static str, detail: impl Into<String>) -> Self {
        Self::Refused {
            rule,
            detail: detail.into(),
            fields: Vec::new(),
            context: Vec::new(),
        }
    }

    /// Names a field the refusal concerns and why (only meaningful on
    /// [`ServiceError::Refused`]).
    pub fn concerning(mut self, field: impl Into<String>, message: impl Into<String>) -> Self {
        if let Self::Refused { fields, .. } = &mut self {
            fields.push(FieldNote {
                field: field.into(),
                message: message.into(),
            });
        }
        self
    }

    /// Adds a rule-specific member to a refusal (only meaningful on [`ServiceError::Refused`]).
    pub fn with(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        if let Self::Refused { context, .. } = &mut self {
            context.push((key, value.into()));
        }
        self
    }
}
