//! Black-box HTTP tests: each starts the real `zhidu` binary on its own database (SQLite and
//! PostgreSQL, see `both_backends!`) on a free port and talks to it over real HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod accountability;
mod areas;
mod auth;
mod bad_input;
mod calendar;
mod care;
mod care_touches;
mod complaints;
mod customers;
mod discipline;
mod employment;
mod hr;
mod hr_reports;
mod inbox;
mod inspections;
mod meeting_hosts;
mod metrics;
mod openapi;
mod partners;
mod payroll;
mod points;
mod policies;
mod promotions;
mod prospects;
mod readme;
mod receivables;
mod service_desk;
mod sla;
mod startup;
mod statements;
mod test_clock;
mod tiers;
mod training;
mod vip;
mod work_orders;
