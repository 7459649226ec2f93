//! Answers that more than one route module gives, kept here because a route module imports no
//! other.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhidu_domain::accountability::{AggravatingFactor, MitigatingFactor, Severity};
use zhidu_domain::discipline::Penalty;
use zhidu_domain::money::Money;
use zhidu_service::accountability::{AccountabilityCase, facts_of};
use zhidu_service::discipline as discipline_service;
use zhidu_store::discipline::DisciplineRecord;
use zhidu_store::{StoreError, read_stored};

use crate::error::ApiError;
use crate::wire::Instant;

/// Facts of a record that move its penalty.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordFlags {
    /// The company discovered the offense itself (false accounts: dismissal at once).
    #[serde(default)]
    pub discovered_by_company: bool,
}

impl From<RecordFlags> for discipline_service::RecordFlags {
    fn from(flags: RecordFlags) -> Self {
        discipline_service::RecordFlags {
            discovered_by_company: flags.discovered_by_company,
        }
    }
}

pub use zhidu_domain::discipline::RecordStatus;

// The discipline desk and CARE-3 both answer with it. A plain comment: a doc comment would
// become the schema's description and change the contract.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordView {
    pub id: String,
    pub employee_id: String,
    pub offense_code: String,
    /// The catalog version of the offense the record was made under.
    pub offense_version: i64,
    pub occurred_at: Instant,
    pub details: String,
    /// Persons or visits the fine is multiplied by.
    pub count: i32,
    pub flags: RecordFlags,
    /// The occurrence within the window (recounted at confirmation).
    pub occurrence: i32,
    /// The ladder step that applies: warning, notice, fine, dismissal, other consequences.
    pub penalty: Penalty,
    pub fine: Money,
    pub status: RecordStatus,
    /// ACC-3: the employee's own statement.
    pub statement: Option<String>,
    /// Why HR recorded the statement on the employee's behalf.
    pub statement_note: Option<String>,
    pub statement_at: Option<Instant>,
    pub statement_by: Option<String>,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<Instant>,
    pub recorded_by: String,
    pub version: i64,
    pub created_at: Instant,
}

pub fn record_view(record: DisciplineRecord) -> Result<RecordView, ApiError> {
    let corrupt = |what: &str, e: serde_json::Error| {
        ApiError::from(StoreError::Corrupt(format!("record {what}: {e}")))
    };
    Ok(RecordView {
        penalty: serde_json::from_str(&record.penalty).map_err(|e| corrupt("penalty", e))?,
        flags: serde_json::from_str(&record.flags).map_err(|e| corrupt("flags", e))?,
        status: read_stored(&record.status)?,
        fine: Money::from_fen(record.fine_fen),
        id: record.id,
        employee_id: record.employee_id,
        offense_code: record.offense_code,
        offense_version: record.offense_version,
        occurred_at: Instant::from_utc(record.occurred_at),
        details: record.details,
        count: record.unit_count,
        occurrence: record.occurrence,
        statement: record.statement,
        statement_note: record.statement_note,
        statement_at: record.statement_at.map(Instant::from_utc),
        statement_by: record.statement_by,
        confirmed_by: record.confirmed_by,
        confirmed_at: record.confirmed_at.map(Instant::from_utc),
        recorded_by: record.recorded_by,
        version: record.version,
        created_at: Instant::from_utc(record.created_at),
    })
}

// Accountability cases, and INSP-3's escalation that opens one. A plain comment: a doc
// comment would become the schema's description and change the contract.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    pub id: String,
    /// `sla_breach`, `complaint`, `manual` or `inspection`.
    pub source: String,
    pub work_order_id: Option<String>,
    /// INSP-3: the inspection finding this case was escalated from (source `inspection`).
    pub inspection_finding_id: Option<String>,
    pub employee_id: String,
    /// `candidate`, `open` or `decided`.
    pub status: String,
    pub summary: String,
    /// ACC-3: the person's own account; no decision before it.
    pub statement: Option<String>,
    pub statement_recorded_at: Option<Instant>,
    pub assessed_severity: Option<Severity>,
    pub aggravating: Vec<AggravatingFactor>,
    pub mitigating: Vec<MitigatingFactor>,
    /// ACC-2: the assessed severity moved by the factors.
    pub decided_severity: Option<Severity>,
    pub decided_by: Option<String>,
    pub decided_at: Option<Instant>,
    pub version: i64,
    pub created_at: Instant,
}

impl TryFrom<AccountabilityCase> for CaseView {
    type Error = StoreError;

    fn try_from(c: AccountabilityCase) -> Result<Self, StoreError> {
        let facts = facts_of(&c)?;
        Ok(CaseView {
            assessed_severity: facts.assessed_severity,
            decided_severity: facts.decided_severity,
            aggravating: facts.aggravating.into_iter().collect(),
            mitigating: facts.mitigating.into_iter().collect(),
            id: c.id,
            source: c.source,
            work_order_id: c.work_order_id,
            inspection_finding_id: c.inspection_finding_id,
            employee_id: c.employee_id,
            status: c.status,
            summary: c.summary,
            statement: c.statement,
            statement_recorded_at: c.statement_recorded_at.map(Instant::from_utc),
            decided_by: c.decided_by,
            decided_at: c.decided_at.map(Instant::from_utc),
            version: c.version,
            created_at: Instant::from_utc(c.created_at),
        })
    }
}
