//! zhidu's use cases: each function applies the rules of `zhidu-domain` to what
//! `zhidu-store` keeps, on one connection inside the caller's transaction, and says who may
//! do it (`access`). Nothing here knows HTTP; the API parses, calls one function here and
//! answers.

pub mod access;
pub mod accountability;
pub mod after_sales;
pub mod approvals;
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
pub mod error;
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
pub mod receivables;
pub mod service_areas;
pub mod settlement;
pub mod sla;
pub mod statements;
pub mod tiers;
pub mod touches;
pub mod training;
pub mod users;
pub mod versioned;
pub mod vip;
pub mod work_orders;

pub use error::{ServiceError, ServiceResult};
pub use zhidu_store::audit::Actor;
pub use zhidu_store::clock::Moment;
