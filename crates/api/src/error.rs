//! The one error type of the API, rendered as RFC 9457 problem+json.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderValue};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::{IntoResponses, ToSchema};
use zhidu_service::error::ServiceError;
use zhidu_store::StoreError;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid field: `field` is the JSON path (`days[3].date`) or the parameter name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// RFC 9457 problem details.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem.
    #[serde(rename = "type")]
    #[schema(example = "/problems/validation")]
    pub problem_type: String,
    #[schema(example = "Validation failed")]
    pub title: String,
    #[schema(example = 422)]
    pub status: u16,
    pub detail: String,
    /// Field-level problems, for validation errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Rule-specific members, e.g. `min_price` when a quote is under the TIER-5 floor.
    #[serde(flatten)]
    #[schema(ignore)]
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    slug: &'static str,
    title: &'static str,
    detail: String,
    errors: Vec<FieldError>,
    extensions: serde_json::Map<String, serde_json::Value>,
}

impl ApiError {
    fn new(
        status: StatusCode,
        slug: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            slug,
            title,
            detail: detail.into(),
            errors: Vec::new(),
            extensions: serde_json::Map::new(),
        }
    }

    pub fn malformed(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "malformed-request",
            "Malformed request",
            detail,
        )
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Authentication required",
            detail,
        )
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "Not allowed", detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    pub fn method_not_allowed(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "Method not allowed",
            detail,
        )
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", "Conflict", detail)
    }

    pub fn stale(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "stale-version",
            "Stale version",
            detail,
        )
    }

    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "Payload too large",
            format!("the request body exceeds the limit of {limit} bytes"),
        )
    }

    pub fn unsupported_media_type(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            detail,
        )
    }

    /// 422 with the list of offending fields.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = match errors.as_slice() {
            [one] => format!("{}: {}", one.field, one.message),
            many => format!("{} fields are invalid", many.len()),
        };
        let mut error = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "Validation failed",
            detail,
        );
        error.errors = errors;
        error
    }

    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::validation(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// 422 for a field whose value has the shape the contract states but is refused all the
    /// same: it names something that does not exist, or contradicts another field. The
    /// contract cannot state these; `validation` is kept for what it does state.
    pub fn field_refused(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut error = Self::invalid_field(field, message);
        error.slug = "field-refused";
        error.title = "A field's value was refused";
        error
    }

    /// 422 for a request that is well-formed but refused by a business rule.
    pub fn rule_refused(rule: &'static str, detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "rule-refused",
            "Refused by a business rule",
            detail,
        )
        .with("rule", rule)
    }

    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Service unavailable",
            detail,
        )
    }

    /// A 500: the cause goes to the log, never to the client.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the server failed to handle the request; it has been logged",
        )
    }

    /// A 409: the state changed under the request (a unique key taken meanwhile, …).
    pub fn is_conflict(&self) -> bool {
        self.status == StatusCode::CONFLICT
    }

    /// Names the fields a rule refusal concerns.
    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    /// Adds a rule-specific member to the problem body.
    pub fn with(mut self, key: &str, value: impl Serialize) -> Self {
        if let Ok(value) = serde_json::to_value(value) {
            self.extensions.insert(key.to_owned(), value);
        }
        self
    }

    pub fn problem(&self) -> Problem {
        Problem {
            problem_type: format!("/problems/{}", self.slug),
            title: self.title.to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            errors: self.errors.clone(),
            extensions: self.extensions.clone(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        HttpResponse::build(self.status)
            .content_type(PROBLEM_JSON)
            .json(self.problem())
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => ApiError::not_found("no such resource"),
            StoreError::Conflict(what) => ApiError::conflict(what),
            StoreError::StaleVersion => ApiError::stale(
                "the resource was changed since you read it; read it again and retry with its current version",
            ),
            StoreError::PoolExhausted | StoreError::Busy => {
                ApiError::unavailable("the database is busy; retry shortly")
            }
            other @ (StoreError::Setup(_) | StoreError::Corrupt(_) | StoreError::Database(_)) => {
                ApiError::internal(other)
            }
        }
    }
}

fn field_errors(notes: Vec<zhidu_service::error::FieldNote>) -> Vec<FieldError> {
    notes
        .into_iter()
        .map(|note| FieldError {
            field: note.field,
            message: note.message,
        })
        .collect()
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::NotFound(detail) => ApiError::not_found(detail),
            ServiceError::Unauthorized(detail) => ApiError::unauthorized(detail),
            ServiceError::Forbidden(detail) => ApiError::forbidden(detail),
            ServiceError::Conflict(detail) => ApiError::conflict(detail),
            ServiceError::RuleConflict { rule, detail } => {
                ApiError::conflict(detail).with("rule", rule)
            }
            ServiceError::Stale(detail) => ApiError::stale(detail),
            ServiceError::FieldRefused { field, message } => {
                ApiError::field_refused(field, message)
            }
            ServiceError::FieldsRefused(notes) => {
                let errors = field_errors(notes);
                match errors.first() {
                    Some(first) => ApiError::field_refused(&first.field, &first.message)
                        .with_errors(errors.clone()),
                    None => ApiError::internal("a refusal without fields"),
                }
            }
            ServiceError::Refused {
                rule,
                detail,
                fields,
                context,
            } => {
                let mut error = ApiError::rule_refused(rule, detail);
                if !fields.is_empty() {
                    error = error.with_errors(field_errors(fields));
                }
                context
                    .into_iter()
                    .fold(error, |error, (key, value)| error.with(key, value))
            }
            ServiceError::Store(store) => store.into(),
        }
    }
}

/// Turns any error response that is not already problem+json (actix's own 404/405, a panic's
/// 500, …) into one, so clients parse a single error format.
pub fn problem_for_bare_errors<B: MessageBody + 'static>(
    response: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let already_problem = response
        .response()
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if already_problem {
        return Ok(ErrorHandlerResponse::Response(
            response.map_into_left_body(),
        ));
    }
    let status = response.status();
    let error = match status {
        StatusCode::NOT_FOUND => {
            ApiError::not_found(format!("no route for {}", response.request().path()))
        }
        StatusCode::METHOD_NOT_ALLOWED => ApiError::method_not_allowed(format!(
            "{} is not allowed on {}",
            response.request().method(),
            response.request().path()
        )),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::too_large(crate::extract::DEFAULT_BODY_LIMIT),
        s if s.is_server_error() => ApiError::internal(format!("bare {s} response")),
        s => ApiError::new(
            s,
            "error",
            "Request failed",
            s.canonical_reason().unwrap_or("error"),
        ),
    };
    let (request, _) = response.into_parts();
    let mut rendered = error.error_response();
    rendered
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(request, rendered).map_into_right_body(),
    ))
}

// Error responses for the OpenAPI document, grouped the way handlers use them. They are
// never built: handlers answer with `ApiError`, these only describe it.

/// 400, 413, 415, 422: the body could not be read or failed validation.
#[derive(IntoResponses)]
pub enum BodyErrors {
    #[response(
        status = 400,
        description = "Malformed JSON",
        content_type = "application/problem+json"
    )]
    Malformed(Problem),
    #[response(
        status = 413,
        description = "Body over the size limit",
        content_type = "application/problem+json"
    )]
    TooLarge(Problem),
    #[response(
        status = 415,
        description = "Content-Type is not application/json",
        content_type = "application/problem+json"
    )]
    MediaType(Problem),
    #[response(
        status = 422,
        description = "Invalid fields or refused by a rule; `errors` names the fields",
        content_type = "application/problem+json"
    )]
    Invalid(Problem),
}

/// 401, 403: no valid token, or a role that may not do this.
#[derive(IntoResponses)]
pub enum AuthErrors {
    #[response(
        status = 401,
        description = "Missing, invalid or expired token",
        content_type = "application/problem+json"
    )]
    Unauthorized(Problem),
    #[response(
        status = 403,
        description = "The token's roles do not allow this",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
}

#[derive(IntoResponses)]
#[response(
    status = 404,
    description = "No such resource",
    content_type = "application/problem+json"
)]
#[allow(dead_code)]
pub struct NotFound(#[to_schema] Problem);

#[derive(IntoResponses)]
#[response(
    status = 409,
    description = "Conflicts with the current state",
    content_type = "application/problem+json"
)]
#[allow(dead_code)]
pub struct Conflict(#[to_schema] Problem);

#[derive(IntoResponses)]
#[response(
    status = 412,
    description = "Stale version: the resource changed since it was read",
    content_type = "application/problem+json"
)]
#[allow(dead_code)]
pub struct Stale(#[to_schema] Problem);

#[derive(IntoResponses)]
#[response(
    status = 422,
    description = "Invalid parameters or refused by a rule",
    content_type = "application/problem+json"
)]
#[allow(dead_code)]
pub struct Invalid(#[to_schema] Problem);

#[derive(IntoResponses)]
#[response(
    status = 503,
    description = "Database unavailable or busy",
    content_type = "application/problem+json"
)]
#[allow(dead_code)]
pub struct Unavailable(#[to_schema] Problem);
