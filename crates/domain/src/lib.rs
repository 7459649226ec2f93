//! zhidu's business rules as pure functions. Each rule of RULES.md lives in exactly one
//! function here, named for what it decides and citing its rule ID; nothing here does I/O.

pub mod accountability;
pub mod calendar;
pub mod complaint;
pub mod customer;
pub mod money;
pub mod quarter;
pub mod sla;
pub mod tier;
