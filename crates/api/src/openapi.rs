//! The OpenAPI 3.1 document: collected from the registered handlers, so a handler cannot be
//! served without being described.

use actix_web::App;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::{FieldError, Problem};
use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "zhidu",
        description = "The company's written policies (RULES.md) as a JSON API: business calendar, customer tiers, and more. Errors are RFC 9457 problem+json; money is a decimal string in CNY; instants are RFC 3339 in +08:00.",
        license(name = "MIT")
    ),
    modifiers(&BearerAuth),
    components(schemas(Problem, FieldError)),
    tags(
        (name = "health", description = "Liveness and readiness"),
        (name = "auth", description = "Tokens"),
        (name = "users", description = "Staff accounts"),
        (name = "calendar", description = "CAL: the business calendar"),
        (name = "customers", description = "Customers and their archive (AR-1)"),
        (name = "tiers", description = "TIER: customer tiers"),
        (name = "quotes", description = "TIER-5: price floors"),
        (name = "sla", description = "SLA: service-desk deadlines and breach sweeps"),
        (name = "people", description = "Departments and employees"),
        (name = "employment", description = "EMP: probation, regularization, resignation, the departure checklist, promotion; CARE-4 hand-over tasks"),
        (name = "work-orders", description = "SLA: work orders on the service desk"),
        (name = "accountability", description = "ACC: accountability cases"),
        (name = "discipline", description = "DISC: the offense catalog and discipline records (ACC-3: heard before confirmed)"),
        (name = "hr-cases", description = "DISC: HR cases opened by a dismissal step"),
        (name = "complaints", description = "CMP: complaints and the managers' meeting agenda"),
        (name = "service-areas", description = "SLA-8, SLA-9: service areas, loads and KPIs"),
        (name = "payroll", description = "PAY: payroll runs, payslips, bonuses and exports"),
        (name = "prospects", description = "LEAD: prospects, ownership by invitation, contested deals, follow-up ownership and its failure bar"),
        (name = "care", description = "CARE: orders (提单) and their services, phone visits, renewals, touches and their outbox, after-sales visits, domain transfers"),
        (name = "public", description = "PUB-1: the public service page"),
        (name = "audit", description = "ACC-1: the audit trail"),
        (name = "test-clock", description = "The test clock: only on a server started with --test-clock (ZHIDU_TEST_CLOCK=1); elsewhere every path here answers 404")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("POST /api/v1/auth/token issues one"))
                    .build(),
            ),
        );
    }
}

/// The document as served at `/api-docs/openapi.json` and written by `zhidu openapi`.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut document) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::configure)
        .split_for_parts();
    document.info.version = env!("CARGO_PKG_VERSION").to_owned();
    document
}
