//! Request extractors that answer bad input with a precise problem+json: the JSON body
//! (content type, size limit, syntax, field types, validation) and the query string.

use actix_web::dev::Payload;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use crate::error::{ApiError, FieldError};

/// The body limit: ample for any single resource, small enough that a runaway client cannot
/// make the server buffer much.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// A JSON body of at most `LIMIT` bytes, parsed and validated; every failure becomes a
/// problem naming the field. Bulk imports raise the limit for their route alone.
#[derive(Debug)]
pub struct Json<T, const LIMIT: usize = DEFAULT_BODY_LIMIT>(pub T);

impl<T, const LIMIT: usize> FromRequest for Json<T, LIMIT>
where
    T: DeserializeOwned + Validate + 'static,
{
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_json::<T>(request, payload, LIMIT);
        Box::pin(async move { Ok(Json(body.await?.0)) })
    }
}

/// A JSON body like [`Json`], together with the bytes it was parsed from (for an
/// idempotency key's request fingerprint).
#[derive(Debug)]
pub struct JsonWithBytes<T, const LIMIT: usize = DEFAULT_BODY_LIMIT> {
    pub value: T,
    pub bytes: web::Bytes,
}

impl<T, const LIMIT: usize> FromRequest for JsonWithBytes<T, LIMIT>
where
    T: DeserializeOwned + Validate + 'static,
{
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_json::<T>(request, payload, LIMIT);
        Box::pin(async move {
            let (value, bytes) = body.await?;
            Ok(JsonWithBytes { value, bytes })
        })
    }
}

/// Reads at most `limit` bytes of JSON (checking the content type and declared length first),
/// then parses and validates it.
fn read_json<T>(
    request: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> LocalBoxFuture<'static, Result<(T, web::Bytes), ApiError>>
where
    T: DeserializeOwned + Validate + 'static,
{
    let content_type_ok = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|v| v == "application/json" || v.ends_with("+json"));
    let declared_length = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let mut payload = payload.take();
    Box::pin(async move {
        if !content_type_ok {
            return Err(ApiError::unsupported_media_type(
                "send the body as JSON with Content-Type: application/json",
            ));
        }
        if declared_length.is_some_and(|length| length > limit) {
            return Err(ApiError::too_large(limit));
        }
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk =
                chunk.map_err(|e| ApiError::malformed(format!("could not read the body: {e}")))?;
            if body.len() + chunk.len() > limit {
                return Err(ApiError::too_large(limit));
            }
            body.extend_from_slice(&chunk);
        }
        let value = parse_json::<T>(&body)?;
        value
            .validate()
            .map_err(|e| ApiError::validation(field_errors(&e)))?;
        Ok((value, body.freeze()))
    })
}

/// Parses JSON, telling syntax errors (400) from wrong or missing fields (422, with the path).
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.is_empty() {
        return Err(ApiError::malformed(
            "the request body is empty; send a JSON object",
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_data() {
            ApiError::invalid_field(field_name(&path), strip_position(&inner.to_string()))
        } else {
            ApiError::malformed(format!("the body is not valid JSON: {inner}"))
        }
    })?;
    deserializer
        .end()
        .map_err(|e| ApiError::malformed(format!("unexpected data after the JSON value: {e}")))?;
    Ok(value)
}

/// Query parameters with the same field-naming errors as bodies.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> FromRequest for Query<T>
where
    T: DeserializeOwned + Validate + 'static,
{
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parsed = serde_path_to_error::deserialize(serde_urlencoded::Deserializer::new(
            form_urlencoded_pairs(request.query_string()),
        ))
        .map_err(|error| {
            let path = error.path().to_string();
            ApiError::invalid_field(field_name(&path), error.into_inner().to_string())
        })
        .and_then(|value: T| {
            value
                .validate()
                .map_err(|e| ApiError::validation(field_errors(&e)))?;
            Ok(Query(value))
        });
        std::future::ready(parsed)
    }
}

fn form_urlencoded_pairs(query: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query.as_bytes())
}

/// `serde_path_to_error` writes `.` for the root; the client knows it as the body.
fn field_name(path: &str) -> String {
    if path == "." || path.is_empty() {
        "body".to_owned()
    } else {
        path.to_owned()
    }
}

/// serde_json appends " at line 1 column 42" to data errors; the field path says more.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

/// Flattens validator's nested errors into `{field: "a.b[2].c", message}` pairs.
pub fn field_errors(errors: &ValidationErrors) -> Vec<FieldError> {
    let mut out = Vec::new();
    collect_field_errors("", errors, &mut out);
    out
}

fn collect_field_errors(prefix: &str, errors: &ValidationErrors, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => out.extend(list.iter().map(|e| {
                FieldError {
                    field: path.clone(),
                    message: e
                        .message
                        .as_ref()
                        .map_or_else(|| e.code.to_string(), ToString::to_string),
                }
            })),
            ValidationErrorsKind::Struct(nested) => collect_field_errors(&path, nested, out),
            ValidationErrorsKind::List(items) => {
                for (index, nested) in items {
                    collect_field_errors(&format!("{path}[{index}]"), nested, out);
                }
            }
        }
    }
}
