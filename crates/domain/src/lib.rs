//! zhidu's business rules as pure functions. Each rule of RULES.md lives in exactly one
//! function here, named for what it decides and citing its rule ID; nothing here does I/O.

pub mod accountability;
pub mod after_sales;
pub mod approval;
pub mod area_contract;
pub mod attendance;
pub mod calendar;
pub mod care;
pub mod complaint;
pub mod customer;
pub mod discipline;
pub mod domain_transfer;
pub mod effective;
pub mod employment;
pub mod inbox;
pub mod inspection;
pub mod lead;
pub mod leave;
pub mod meeting;
pub mod money;
pub mod monthly_target;
pub mod payroll;
pub mod person;
pub mod points;
pub mod policy;
pub mod promotion;
pub mod publication;
pub mod quarter;
pub mod refusal;
pub mod role;
pub mod roster;
pub mod settlement;
pub mod sla;
pub mod text_enum;
pub mod tier;
pub mod touch;
pub mod training;
pub mod vip;
pub mod work_injury;

pub use refusal::Refusal;

// Dates on the wire and in stored JSON are ISO 8601 (`2026-04-03`), not time's default tuple.
time::serde::format_description!(pub iso_date, Date, "[year]-[month]-[day]");
