//! Field checks shared by request types (`#[validate(custom(function = …))]`) and path
//! parameters.

use validator::ValidationError;
use zhidu_domain::money::Money;
use zhidu_domain::quarter::{Quarter, QuarterError};

use crate::error::ApiError;

pub fn not_negative(amount: &Money) -> Result<(), ValidationError> {
    if amount.is_negative() {
        Err(ValidationError::new("negative").with_message("must not be negative".into()))
    } else {
        Ok(())
    }
}

pub fn not_blank(text: &str) -> Result<(), ValidationError> {
    if text.trim().is_empty() {
        Err(ValidationError::new("blank").with_message("must not be blank".into()))
    } else {
        Ok(())
    }
}

/// A CARE-4 hand-over task status filter.
pub fn task_status(text: &str) -> Result<(), ValidationError> {
    if matches!(text, "open" | "done") {
        Ok(())
    } else {
        Err(ValidationError::new("status").with_message("must be open or done".into()))
    }
}

/// A quarter from a path segment, e.g. `2026Q3`.
pub fn quarter_param(text: &str) -> Result<Quarter, ApiError> {
    text.parse()
        .map_err(|e: QuarterError| ApiError::invalid_field("quarter", e.to_string()))
}

/// A leave request status filter.
pub fn leave_status(text: &str) -> Result<(), ValidationError> {
    if matches!(text, "pending" | "approved" | "rejected" | "withdrawn") {
        Ok(())
    } else {
        Err(ValidationError::new("status")
            .with_message("must be pending, approved, rejected or withdrawn".into()))
    }
}
