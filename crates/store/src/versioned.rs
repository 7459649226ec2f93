//! Rows under optimistic locking: every change is written as the next version of the row the
//! client read, so two concurrent changes cannot both land.

use time::PrimitiveDateTime;

/// A row with a `version` that every change bumps, and the time of its last change.
pub trait Versioned: Clone {
    /// What the row is, for messages: "work order wo-1".
    fn name(&self) -> String;
    fn version(&self) -> i64;
    /// The row as its next version, changed at `at`; the caller sets what else changes.
    fn bumped(&self, at: PrimitiveDateTime) -> Self;
}

/// Implements [`Versioned`] for rows with `id`, `version` and `updated_at`, named by `$what`.
macro_rules! versioned {
    ($($row:ty => $what:literal),+ $(,)?) => {$(
        impl $crate::versioned::Versioned for $row {
            fn name(&self) -> String {
                format!(concat!($what, " {}"), self.id)
            }

            fn version(&self) -> i64 {
                self.version
            }

            fn bumped(&self, at: time::PrimitiveDateTime) -> Self {
                Self {
                    version: self.version + 1,
                    updated_at: at,
                    ..self.clone()
                }
            }
        }
    )+};
}

versioned!(
    crate::accountability::AccountabilityCase => "case",
    crate::complaints::Complaint => "complaint",
    crate::discipline::DisciplineRecord => "discipline record",
    crate::discipline::HrCase => "HR case",
    crate::payroll::PayrollRun => "run",
    crate::prospects::Prospect => "prospect",
    crate::work_orders::WorkOrder => "work order",
    crate::inspections::InspectionFinding => "finding",
    crate::hr_reports::MonthlyTarget => "monthly target filing",
    crate::hr_reports::InjuryReport => "injury report",
);
