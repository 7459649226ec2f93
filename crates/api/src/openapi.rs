//! The OpenAPI 3.1 document: collected from the registered handlers, so a handler cannot be
//! served without being described.

use actix_web::App;
use utoipa::openapi::RefOr;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::{FieldError, Problem};
use crate::input::{Bounded, Text};
use crate::page;
use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "zhidu",
        description = "The company's written policies (docs/rules.md) as a JSON API: business calendar, customer tiers, and more. Errors are RFC 9457 problem+json; money is a decimal string in CNY; instants are RFC 3339 in +08:00.",
    ),
    modifiers(&SharedComponents),
    components(schemas(Problem, FieldError)),
    tags(
        (name = "health", description = "Liveness and readiness"),
        (name = "auth", description = "Tokens"),
        (name = "users", description = "Staff accounts"),
        (name = "calendar", description = "CAL: the business calendar"),
        (name = "customers", description = "Customers and their archive (AR-1)"),
        (name = "tiers", description = "TIER: customer tiers"),
        (name = "policies", description = "Issue 18: the rules' numbers as effective-dated, audited versions per area; every result names the version that decided it"),
        (name = "quotes", description = "TIER-5: price floors"),
        (name = "sla", description = "SLA: service-desk deadlines and breach sweeps"),
        (name = "people", description = "Departments and employees"),
        (name = "employment", description = "EMP: probation, regularization, resignation, the departure checklist, promotion; CARE-4 hand-over tasks"),
        (name = "work-orders", description = "SLA: work orders on the service desk"),
        (name = "accountability", description = "ACC: accountability cases"),
        (name = "discipline", description = "DISC: the offense catalog and discipline records (ACC-3: heard before confirmed)"),
        (name = "hr-cases", description = "DISC: HR cases opened by a dismissal step"),
        (name = "complaints", description = "CMP: complaints and the managers' meeting agenda"),
        (name = "service-areas", description = "SLA-8, SLA-9: service areas, loads and KPIs; AREA-1..3: area contracting (客户服务承包制度) — monthly households, growth and stability, dated maintainer and boundary changes"),
        (name = "payroll", description = "PAY: payroll runs, payslips, bonuses and exports"),
        (name = "prospects", description = "LEAD: prospects, ownership by invitation, contested deals, follow-up ownership and its failure bar"),
        (name = "care", description = "CARE: orders (提单) and their services, phone visits, renewals, touches and their outbox, after-sales visits, domain transfers"),
        (name = "public", description = "PUB-1: the public service page"),
        (name = "audit", description = "ACC-1: the audit trail"),
        (name = "approvals", description = "INBOX-1, INBOX-2: every decision waiting on the caller, across the kinds decided on their own endpoints"),
        (name = "inspections", description = "INSP: service supervision (服务监督检查管理制度) — service points, inspections, findings, rectification, escalation, the monthly report"),
        (name = "training", description = "TRAIN: staff training sessions, assessments and certificates; customers' periodic training"),
        (name = "vip", description = "VIP: big-customer visit plans (客户回访制度 第五条) — a plan per tier-A customer, visits whose issues open work orders, overdue plans and the quarter's planned vs done per owner"),
        (name = "test-clock", description = "The test clock: only on a server started with --test-clock (ZHIDU_TEST_CLOCK=1); elsewhere every path here answers 404")
    )
)]
struct ApiDoc;

/// The components the handlers do not register themselves: the bearer scheme, and the
/// schemas of parameters.
struct SharedComponents;

/// The schemas that only query and path parameters name: utoipa registers those of bodies and
/// responses, not of parameters. A test fails on any `$ref` that resolves to nothing.
fn parameter_schemas() -> Vec<(String, RefOr<utoipa::openapi::schema::Schema>)> {
    fn entry<T: utoipa::ToSchema>() -> (String, RefOr<utoipa::openapi::schema::Schema>) {
        (T::name().into_owned(), T::schema())
    }
    vec![
        entry::<page::PageLimit>(),
        entry::<page::Cursor>(),
        entry::<zhidu_domain::accountability::CaseStatus>(),
        entry::<routes::departures::TaskStatus>(),
        entry::<routes::discipline::HrCaseStatus>(),
        entry::<zhidu_domain::approval::ApplicationStatus>(),
        entry::<routes::statements::ExportFormat>(),
        entry::<zhidu_domain::touch::OutboxStatus>(),
        entry::<zhidu_domain::sla::WorkOrderStatus>(),
        entry::<routes::work_orders::DueWithin>(),
        entry::<crate::input::Year>(),
        entry::<Bounded<1, 2000>>(),
        entry::<Bounded<1, 3660>>(),
        entry::<Bounded<1, 5000>>(),
        entry::<Text<1, 64>>(),
        entry::<zhidu_domain::inspection::FindingStatus>(),
        entry::<zhidu_domain::vip::VipPlanStatus>(),
    ]
}

impl Modify for SharedComponents {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.schemas.extend(parameter_schemas());
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

/// What OpenAPI 3.1 requires and the handlers' annotations leave out: a description on every
/// response (its status's reason phrase where none was written), a server (relative: clients
/// choose the host), the license by its SPDX identifier, and an explicit empty security
/// requirement on the operations anyone may call.
struct Completed;

impl Modify for Completed {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi.servers = Some(vec![
            utoipa::openapi::server::ServerBuilder::new()
                .url("/")
                .description(Some("this server (make run: http://127.0.0.1:8080)"))
                .build(),
        ]);
        let mut license = utoipa::openapi::License::new("MIT");
        license.identifier = Some("MIT".into());
        openapi.info.license = Some(license);
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
                &mut item.head,
                &mut item.options,
            ]
            .into_iter()
            .flatten()
            {
                operation
                    .security
                    .get_or_insert_with(|| vec![SecurityRequirement::default()]);
                for (status, response) in &mut operation.responses.responses {
                    if let RefOr::T(response) = response
                        && response.description.trim().is_empty()
                    {
                        response.description = reason_phrase(status);
                    }
                }
            }
        }
    }
}

fn reason_phrase(status: &str) -> String {
    status
        .parse::<u16>()
        .ok()
        .and_then(|code| actix_web::http::StatusCode::from_u16(code).ok())
        .and_then(|code| code.canonical_reason())
        .unwrap_or("Response")
        .to_owned()
}

/// The document as served at `/api-docs/openapi.json` and written by `zhidu openapi`.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut document) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::configure)
        .split_for_parts();
    document.info.version = env!("CARGO_PKG_VERSION").to_owned();
    // After the handlers' paths are in: it completes them.
    Completed.modify(&mut document);
    document
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The rules of redocly's recommended set that the handlers' annotations could break; CI
    /// also runs redocly itself (`make contract-lint`).
    #[test]
    fn every_response_is_described_every_operation_id_is_unique_and_refs_resolve() {
        let document = document();
        let mut ids = BTreeSet::new();
        for (path, item) in &document.paths.paths {
            for operation in [
                &item.get,
                &item.put,
                &item.post,
                &item.delete,
                &item.patch,
                &item.head,
                &item.options,
            ]
            .into_iter()
            .flatten()
            {
                let id = operation.operation_id.clone().unwrap_or_default();
                assert!(
                    ids.insert(id.clone()),
                    "{path}: operationId {id} is used twice"
                );
                assert!(operation.security.is_some(), "{path} {id}: no security");
                for (status, response) in &operation.responses.responses {
                    if let RefOr::T(response) = response {
                        assert!(!response.description.is_empty(), "{path} {id} {status}");
                    }
                }
            }
        }
        assert!(
            document
                .servers
                .as_ref()
                .is_some_and(|servers| !servers.is_empty())
        );
        let text = document.to_json().unwrap_or_default();
        let schemas = document
            .components
            .map(|components| components.schemas)
            .unwrap_or_default();
        let references: Vec<&str> = text
            .split("\"$ref\":\"#/components/schemas/")
            .skip(1)
            .collect();
        assert!(references.len() > 100, "the check reads the references");
        for reference in references {
            let name = reference.split('"').next().unwrap_or_default();
            assert!(
                schemas.contains_key(name),
                "$ref to a missing schema {name}"
            );
        }
    }
}
