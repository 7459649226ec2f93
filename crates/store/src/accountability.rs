//! ACC: accountability cases — from breaches, complaints or by hand.

use diesel::prelude::*;
use serde::Serialize;
use time::PrimitiveDateTime;

use crate::audit::{self, Actor};
use crate::db::{DbConnection, MultiBackend, bulk_insert, update_versioned};
use crate::schema::accountability_cases;
use crate::{StoreResult, new_id};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(
    table_name = accountability_cases,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
pub struct AccountabilityCase {
    pub id: String,
    /// `sla_breach`, `complaint`, `manual` or `inspection`.
    pub source: String,
    pub work_order_id: Option<String>,
    pub employee_id: String,
    /// `candidate`, `open`, `decided` or `dismissed`.
    pub status: String,
    pub summary: String,
    pub statement: Option<String>,
    pub statement_recorded_at: Option<PrimitiveDateTime>,
    pub assessed_severity: Option<String>,
    /// JSON array of factor names.
    pub aggravating: String,
    /// JSON array of factor names.
    pub mitigating: String,
    pub decided_severity: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<PrimitiveDateTime>,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    /// INSP-3: the inspection finding escalated into this case (source `inspection`).
    pub inspection_finding_id: Option<String>,
}

impl AccountabilityCase {
    /// A new case with nothing heard or decided yet.
    pub fn candidate(
        source: &str,
        work_order_id: Option<String>,
        employee_id: String,
        summary: String,
        now: PrimitiveDateTime,
    ) -> Self {
        AccountabilityCase {
            id: new_id(),
            source: source.to_owned(),
            work_order_id,
            employee_id,
            status: "candidate".into(),
            summary,
            statement: None,
            statement_recorded_at: None,
            assessed_severity: None,
            aggravating: "[]".into(),
            mitigating: "[]".into(),
            decided_severity: None,
            decided_by: None,
            decided_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
            inspection_finding_id: None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub status: Option<String>,
    pub employee_id: Option<String>,
    pub work_order_id: Option<String>,
    pub after_id: Option<String>,
    pub limit: i64,
}

pub fn insert(
    connection: &mut DbConnection,
    actor: &Actor,
    case: &AccountabilityCase,
) -> StoreResult<()> {
    diesel::insert_into(accountability_cases::table)
        .values(case)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "accountability_case.create",
        ("accountability_case", &case.id),
        None::<&()>,
        Some(case),
    )
}

/// Inserts many cases in a few statements (their audit rows are the caller's).
pub fn insert_all(connection: &mut DbConnection, cases: &[AccountabilityCase]) -> StoreResult<()> {
    // 18 columns: 1,500 rows stay under the SQLite limit of 32,766 bind parameters.
    Ok(bulk_insert!(
        connection,
        accountability_cases::table,
        cases,
        1_500
    )?)
}

pub fn find(connection: &mut DbConnection, id: &str) -> StoreResult<Option<AccountabilityCase>> {
    Ok(accountability_cases::table
        .find(id)
        .select(AccountabilityCase::as_select())
        .first(connection)
        .optional()?)
}

pub fn list(
    connection: &mut DbConnection,
    filter: &CaseFilter,
) -> StoreResult<Vec<AccountabilityCase>> {
    let mut query = accountability_cases::table
        .select(AccountabilityCase::as_select())
        .order(accountability_cases::id.asc())
        .limit(filter.limit + 1)
        .into_boxed::<MultiBackend>();
    if let Some(status) = &filter.status {
        query = query.filter(accountability_cases::status.eq(status.clone()));
    }
    if let Some(employee) = &filter.employee_id {
        query = query.filter(accountability_cases::employee_id.eq(employee.clone()));
    }
    if let Some(order) = &filter.work_order_id {
        query = query.filter(accountability_cases::work_order_id.eq(order.clone()));
    }
    if let Some(after) = &filter.after_id {
        query = query.filter(accountability_cases::id.gt(after.clone()));
    }
    Ok(query.load(connection)?)
}

/// Writes `after` if the stored version is still `before.version`.
pub fn save(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &AccountabilityCase,
    after: &AccountabilityCase,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, accountability_cases, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("accountability_case", &before.id),
        Some(before),
        Some(after),
    )
}
