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
pub mod hr_reports;
pub mod inbox;
pub mod inspections;
pub mod leave;
pub mod meeting_hosts;
pub mod partners;
pub mod payroll;
pub mod people;
pub mod points;
pub mod policies;
pub mod promotions;
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
pub mod training;
pub mod users;
pub mod vip;
pub mod work_orders;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

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
                    .configure(receivables::configure_per_customer)
                    .configure(training::configure_per_customer),
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
            .service(scope("/policies").configure(policies::configure))
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
            .service(scope("/approvals").configure(inbox::configure))
            .service(scope("/public").configure(publication::configure))
            .service(scope("/service-points").configure(inspections::configure_points))
            .service(scope("/inspections").configure(inspections::configure))
            .service(scope("/inspection-findings").configure(inspections::configure_findings))
            .service(scope("/training-courses").configure(training::configure_courses))
            .service(scope("/training-sessions").configure(training::configure_sessions))
            .service(scope("/certificates").configure(training::configure_certificates))
            .service(scope("/customer-trainings").configure(training::configure_customer_trainings))
            .service(scope("/monthly-targets").configure(hr_reports::configure_monthly_targets))
            .service(scope("/injury-reports").configure(hr_reports::configure_injury_reports))
            .service(scope("/promotions").configure(promotions::configure))
            .service(scope("/meeting-hosts").configure(meeting_hosts::configure))
            .service(scope("/meeting-reports").configure(meeting_hosts::configure_reports))
            .service(scope("/vip-plans").configure(vip::configure))
            .service(scope("/test-clock").configure(test_clock::configure)),
    );
}
