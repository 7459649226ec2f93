//! What every list and every versioned transition shares: page size, cursor, the page
//! envelope, and the version-only body.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::input::Bounded;

/// The body of a transition that carries nothing but the version the client read.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionOnly {
    pub version: i64,
}

/// The page size of every list: 1–500, 50 when not given.
pub type PageLimit = Bounded<1, 500>;

/// The position a page starts after: the `next_cursor` of the page before, opaque to clients
/// (unpadded base64url of the last item's sort key). Any text of that alphabet and shape is a
/// position, so a cursor is never refused for its content, only for its form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Cursor(String);

impl Cursor {
    const MAX_LENGTH: usize = 512;
    /// Unpadded base64url: every length but 4n+1 decodes.
    const PATTERN: &'static str = "^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$";

    /// A cursor positioned after the item whose sort key is `key`.
    pub fn after(key: &str) -> String {
        URL_SAFE_NO_PAD.encode(key)
    }

    /// The sort key the page starts after.
    pub fn key(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Cursor {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        // Trailing bits are ignored: a cursor that was not issued still names a position.
        let lenient = base64::engine::GeneralPurpose::new(
            &base64::alphabet::URL_SAFE,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_allow_trailing_bits(true)
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone),
        );
        let refusal = || "is not a cursor: pass the next_cursor of the previous page".to_owned();
        if text.is_empty() || text.len() > Self::MAX_LENGTH {
            return Err(refusal());
        }
        let bytes = lenient.decode(&text).map_err(|_| refusal())?;
        // A key no database stores (U+0000) still names a position: the nearest one it can.
        Ok(Cursor(
            String::from_utf8_lossy(&bytes).replace('\0', "\u{FFFD}"),
        ))
    }
}

impl utoipa::PartialSchema for Cursor {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .min_length(Some(1))
            .max_length(Some(Self::MAX_LENGTH))
            .pattern(Some(Self::PATTERN))
            .description(Some("The `next_cursor` of the previous page."))
            .into()
    }
}

impl ToSchema for Cursor {}

/// `?limit=&cursor=` of every list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
pub struct PageParams {
    /// Page size (default 50).
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

impl PageParams {
    pub fn limit(&self) -> i64 {
        self.limit.map_or(50, PageLimit::get)
    }

    /// The sort key of the last item of the previous page.
    pub fn after_id(&self) -> Option<String> {
        self.cursor.as_ref().map(|cursor| cursor.key().to_owned())
    }
}

/// A page of results; `next_cursor` is absent on the last page.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// `rows` holds up to `limit + 1` items; the extra one only tells that more exist.
    pub fn from_rows(mut rows: Vec<T>, limit: i64, id_of: impl Fn(&T) -> &str) -> Self {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|last| Cursor::after(id_of(last)))
        } else {
            None
        };
        Page {
            items: rows,
            next_cursor,
        }
    }

    pub fn map<U>(self, convert: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(convert).collect(),
            next_cursor: self.next_cursor,
        }
    }

    /// [`Page::map`] for a conversion that can fail (a stored value no variant names).
    pub fn try_map<U, E>(self, convert: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        Ok(Page {
            items: self
                .items
                .into_iter()
                .map(convert)
                .collect::<Result<_, E>>()?,
            next_cursor: self.next_cursor,
        })
    }
}
