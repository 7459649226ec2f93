//! One module per resource; `configure` registers every handler so the OpenAPI document
//! collects them all.

pub mod accountability;
pub mod after_sales;
pub mod attendance;
pub mod audit;
pub mod calendar;
pub mod care;
pub mod complaints;
pub mod customers;
pub mod departures;
pub mod discipline;
pub mod domain_transfers;
pub mod employment;
pub mod health;
pub mod leave;
pub mod partners;
pub mod payroll;
pub mod payroll_export;
pub mod people;
pub mod points;
pub mod prospects;
pub mod publication;
pub mod quotes;
pub mod receivables;
pub mod service_areas;
pub mod settlement;
pub mod sla;
pub mod statements;
pub mod test_clock;
pub mod tiers;
pub mod tokens;
pub mod touches;
pub mod users;
pub mod work_orders;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::input::Bounded;

/// The URL tree: one scope per first path segment, so a request is routed by plain prefix
/// comparisons before any pattern with parameters is tried.
pub fn configure(config: &mut ServiceConfig) {
    config.configure(health::configure);
    config.service(
        scope("/api/v1")
            .service(scope("/auth").configure(tokens::configure))
            .service(scope("/users").configure(users::configure))
            .service(scope("/calendar").configure(calendar::configure))
            .service(
                scope("/customers")
                    .configure(customers::configure)
                    .configure(tiers::configure_per_customer)
                    .configure(quotes::configure_per_customer)
                    .configure(points::configure_per_customer)
                    .configure(receivables::configure_per_customer),
            )
            .service(scope("/tiers").configure(tiers::configure))
            .service(scope("/tier-runs").configure(tiers::configure_runs))
            .service(scope("/quotes").configure(quotes::configure))
            .service(scope("/departments").configure(people::configure_departments))
            .service(
                scope("/employees")
                    .configure(people::configure_employees)
                    .configure(attendance::configure_per_employee)
                    .configure(leave::configure_per_employee)
                    .configure(payroll::configure_per_employee)
                    .configure(employment::configure_per_employee)
                    .configure(departures::configure_per_employee),
            )
            .service(
                scope("/regularization-applications")
                    .configure(employment::configure_regularization),
            )
            .service(scope("/resignations").configure(departures::configure_resignations))
            .service(scope("/customer-handover-tasks").configure(departures::configure_handover))
            .service(scope("/customer-orders").configure(care::configure_orders))
            .service(scope("/care-visits").configure(care::configure_visits))
            .service(scope("/renewals").configure(care::configure_renewals))
            .service(scope("/services").configure(care::configure_services))
            .service(scope("/attendance").configure(attendance::configure))
            .service(scope("/leave-requests").configure(leave::configure))
            .service(scope("/payroll-runs").configure(payroll::configure))
            .service(
                scope("/partners")
                    .configure(partners::configure)
                    .configure(settlement::configure_per_partner)
                    .configure(receivables::configure_per_partner),
            )
            .service(scope("/settlement").configure(settlement::configure))
            .service(scope("/receivables").configure(receivables::configure))
            .service(scope("/point-settings").configure(points::configure_settings))
            .service(scope("/app-orders").configure(points::configure_app_orders))
            .service(scope("/point-redemptions").configure(points::configure_redemptions))
            .service(scope("/franchise-settlements").configure(settlement::configure_franchise))
            .service(scope("/partner-orders").configure(statements::configure_orders))
            .service(scope("/partner-statements").configure(statements::configure_statements))
            .service(scope("/work-orders").configure(work_orders::configure))
            .service(scope("/return-visits").configure(work_orders::configure_return_visits))
            .service(scope("/service-areas").configure(service_areas::configure))
            .service(scope("/kpis").configure(service_areas::configure_kpis))
            .service(scope("/complaints").configure(complaints::configure))
            .service(scope("/meetings").configure(complaints::configure_meetings))
            .service(scope("/sla").configure(sla::configure))
            .service(scope("/accountability-cases").configure(accountability::configure))
            .service(scope("/discipline").configure(discipline::configure))
            .service(scope("/hr-cases").configure(discipline::configure_hr_cases))
            .service(scope("/prospects").configure(prospects::configure))
            .service(scope("/follow-up-eligibility").configure(prospects::configure_eligibility))
            .service(scope("/audit").configure(audit::configure))
            .service(scope("/care-touches").configure(touches::configure))
            .service(scope("/outbox").configure(touches::configure_outbox))
            .service(scope("/training-deals").configure(after_sales::configure_deals))
            .service(scope("/after-sales-visits").configure(after_sales::configure))
            .service(scope("/domain-transfers").configure(domain_transfers::configure))
            .service(scope("/public").configure(publication::configure))
            .service(scope("/test-clock").configure(test_clock::configure)),
    );
}

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
}
