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

/// Parses JSON in three steps, so each failure gets its own answer: the syntax first (400),
/// then text no database can store (422 naming the field), then the fields' types and
/// presence (422 naming the field by its path).
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.is_empty() {
        return Err(ApiError::malformed(
            "the request body is empty; send a JSON object",
        ));
    }
    let document: serde_json::Value = serde_json::from_slice(body).or_else(|error| {
        // serde_json refuses `"\ud800"` as a syntax error, but it is valid JSON text that no
        // backend can store: with each lone surrogate made U+0000, the refusal below names
        // the field it stands in.
        without_lone_surrogates(body)
            .and_then(|sanitized| serde_json::from_slice(&sanitized).ok())
            .ok_or_else(|| ApiError::malformed(format!("the body is not valid JSON: {error}")))
    })?;
    refuse_unstorable_text(&document, "")?;
    let mut document = document;
    integral_numbers_as_integers(&mut document);
    serde_path_to_error::deserialize(document).map_err(|error| {
        let path = error.path().to_string();
        let message = error.into_inner().to_string();
        ApiError::invalid_field(field_path(&path, &message), message)
    })
}

/// What a client is told about text no backend stores.
const UNSTORABLE_TEXT: &str = "contains U+0000 (a NUL character) or an unpaired UTF-16 surrogate, which cannot be stored; \
     remove it";

/// `body` with every `\uXXXX` escape of an unpaired surrogate replaced by `\u0000`, or `None`
/// when it has none (then its syntax error is a real one).
fn without_lone_surrogates(body: &[u8]) -> Option<Vec<u8>> {
    let escape_at = |at: usize| -> Option<u16> {
        let hex = body.get(at..at + 6)?;
        if !hex.starts_with(b"\\u") {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    };
    let leading = |unit: u16| (0xD800..0xDC00).contains(&unit);
    let trailing = |unit: u16| (0xDC00..0xE000).contains(&unit);
    let mut sanitized = body.to_vec();
    let mut found = false;
    let mut at = 0;
    while at < body.len() {
        if body[at] != b'\\' {
            at += 1;
            continue;
        }
        match escape_at(at) {
            Some(unit) if leading(unit) && escape_at(at + 6).is_some_and(trailing) => at += 12,
            Some(unit) if leading(unit) || trailing(unit) => {
                sanitized[at..at + 6].copy_from_slice(b"\\u0000");
                found = true;
                at += 6;
            }
            Some(_) => at += 6,
            None => at += 2,
        }
    }
    found.then_some(sanitized)
}

/// U+0000 is valid JSON but neither backend stores it (PostgreSQL refuses it in text, SQLite
/// cuts the string there), and neither stores half of a surrogate pair: refused in any key or
/// string, wherever it stands.
fn refuse_unstorable_text(value: &serde_json::Value, path: &str) -> Result<(), ApiError> {
    const NUL: char = '\u{0}';
    let refuse = |at: &str| ApiError::invalid_field(field_name(at), UNSTORABLE_TEXT);
    match value {
        serde_json::Value::String(text) if text.contains(NUL) => Err(refuse(path)),
        serde_json::Value::Array(items) => {
            items.iter().enumerate().try_for_each(|(index, item)| {
                refuse_unstorable_text(item, &format!("{path}[{index}]"))
            })
        }
        serde_json::Value::Object(fields) => fields.iter().try_for_each(|(key, item)| {
            let at = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            if key.contains(NUL) {
                return Err(refuse(&at));
            }
            refuse_unstorable_text(item, &at)
        }),
        _ => Ok(()),
    }
}

/// JSON has one number type: `3.0` is the integer 3 (JSON Schema's `integer` admits it), so a
/// client whose language writes every number with a fraction is understood. Fractions stay.
fn integral_numbers_as_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(number) if number.is_f64() => {
            if let Some(whole) = number.as_f64().and_then(exact_integer) {
                *value = serde_json::Value::from(whole);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_numbers_as_integers),
        serde_json::Value::Object(fields) => {
            fields.values_mut().for_each(integral_numbers_as_integers);
        }
        _ => {}
    }
}

/// `number` as an i64 when it is one exactly: no fraction, and within ±2^53, where every
/// integer has its own f64. Beyond, an f64 stands for many integers (`-9223372036854775809`
/// reads as -2^63), so it is left a float and refused where an integer is wanted.
fn exact_integer(number: f64) -> Option<i64> {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    (number.fract() == 0.0 && (-EXACT..=EXACT).contains(&number)).then_some(number as i64)
}

/// The field an error is about: its path, or for a missing field the path of the field that
/// is missing (serde reports it at the object that lacks it).
fn field_path(path: &str, message: &str) -> String {
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    match (missing, path) {
        (Some(field), "." | "") => field.to_owned(),
        (Some(field), parent) => format!("{parent}.{field}"),
        (None, path) => field_name(path),
    }
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
        if let Some((name, _)) =
            form_urlencoded_pairs(request.query_string()).find(|(_, value)| value.contains('\0'))
        {
            return std::future::ready(Err(ApiError::invalid_field(
                name.into_owned(),
                UNSTORABLE_TEXT,
            )));
        }
        let parsed = serde_path_to_error::deserialize(serde_urlencoded::Deserializer::new(
            form_urlencoded_pairs(request.query_string()),
        ))
        .map_err(|error| {
            let path = error.path().to_string();
            let message = error.into_inner().to_string();
            ApiError::invalid_field(field_path(&path, &message), message)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Payments {
        quarter: String,
        payments: Vec<Payment>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Payment {
        amount: String,
        note: Option<String>,
    }

    fn refusal(body: &str) -> (u16, String) {
        let error = parse_json::<Payments>(body.as_bytes()).unwrap_err();
        let problem = error.problem();
        let field = problem
            .errors
            .first()
            .map(|e| e.field.clone())
            .unwrap_or_default();
        (problem.status, field)
    }

    #[test]
    fn syntax_is_checked_before_fields() {
        // An unknown field with a broken value is a syntax error first.
        assert_eq!(refusal(r#"{"full_name": x}"#), (400, String::new()));
        assert_eq!(
            refusal(r#"{"quarter": "2026Q3"} trailing"#),
            (400, String::new())
        );
        assert_eq!(refusal(""), (400, String::new()));
    }

    #[test]
    fn a_missing_field_is_named_by_its_path() {
        assert_eq!(
            refusal(r#"{"quarter": "2026Q3"}"#),
            (422, "payments".into())
        );
        assert_eq!(
            refusal(r#"{"quarter": "2026Q3", "payments": [{"amount": "1.00"}, {}]}"#),
            (422, "payments[1].amount".into())
        );
        assert_eq!(
            refusal(r#"{"quarter": 3, "payments": []}"#),
            (422, "quarter".into())
        );
    }

    #[test]
    fn nul_is_refused_wherever_it_stands() {
        assert_eq!(
            refusal(r#"{"quarter": "2026Q3\u0000", "payments": []}"#),
            (422, "quarter".into())
        );
        assert_eq!(
            refusal(
                r#"{"quarter": "2026Q3", "payments": [{"amount": "1.00", "note": "a\u0000b"}]}"#
            ),
            (422, "payments[0].note".into())
        );
        assert_eq!(
            refusal(r#"{"quarter": "2026Q3", "payments": [], "x\u0000": 1}"#),
            (422, "x\u{0}".into())
        );
    }

    #[test]
    fn a_whole_number_written_with_a_fraction_is_an_integer() {
        #[derive(Debug, Deserialize)]
        struct Version {
            version: i64,
        }
        let parsed = |body: &str| parse_json::<Version>(body.as_bytes()).map(|v| v.version);
        assert_eq!(parsed(r#"{"version": 3.0}"#).unwrap(), 3);
        assert_eq!(parsed(r#"{"version": -12.0}"#).unwrap(), -12);
        assert!(parsed(r#"{"version": 3.5}"#).is_err());
        assert!(parsed(r#"{"version": 1e300}"#).is_err());
        // Below i64::MIN: serde_json reads it as a float that rounds to i64::MIN.
        assert!(parsed(r#"{"version": -9223372036854775809}"#).is_err());
    }

    #[test]
    fn an_unpaired_surrogate_is_refused_naming_its_field() {
        assert_eq!(
            refusal(r#"{"quarter": "2026Q3\ud800", "payments": []}"#),
            (422, "quarter".into())
        );
        assert_eq!(
            refusal(r#"{"quarter": "2026Q3", "payments": [{"amount": "1", "note": "\udc00x"}]}"#),
            (422, "payments[0].note".into())
        );
        // An escaped backslash before `u` is not an escape, and a whole pair is stored.
        assert!(without_lone_surrogates(br#"{"a": "\\ud800"}"#).is_none());
        assert!(parse_json::<serde_json::Value>(r#"{"a": "\ud83d\ude00"}"#.as_bytes()).is_ok());
        // A real syntax error stays one, even beside a lone surrogate.
        assert_eq!(refusal(r#"{"quarter": "\ud800", x}"#), (400, String::new()));
    }
}
