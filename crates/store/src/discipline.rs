//! DISC: the stored offense catalog, discipline records with the penalty decided for them,
//! and the HR cases a dismissal step opens. Payroll reads confirmed fines from here.

use diesel::prelude::*;
use serde::Serialize;
use time::PrimitiveDateTime;

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, MultiBackend, save_versioned, update_versioned};
use crate::schema::{discipline_offenses, discipline_records, employees, hr_cases};

/// One offense of the catalog; `definition` is the JSON of `zhidu_domain::discipline::Offense`.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = discipline_offenses)]
pub struct StoredOffense {
    pub code: String,
    pub definition: String,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = discipline_records, treat_none_as_null = true)]
pub struct DisciplineRecord {
    pub id: String,
    pub employee_id: String,
    pub offense_code: String,
    /// The catalog version of the offense when the record was made.
    pub offense_version: i64,
    /// The offense definition (JSON) in force when the record was made.
    pub offense_definition: String,
    pub occurred_at: PrimitiveDateTime,
    pub details: String,
    /// Persons or visits the fine is multiplied by.
    pub unit_count: i32,
    /// JSON object of the record's flags (`discovered_by_company`).
    pub flags: String,
    pub occurrence: i32,
    /// JSON of `zhidu_domain::discipline::Penalty`.
    pub penalty: String,
    pub fine_fen: i64,
    /// `pending_statement`, `awaiting_confirmation`, `confirmed` or `withdrawn`.
    pub status: String,
    pub statement: Option<String>,
    /// Why HR took the statement down on the employee's behalf.
    pub statement_note: Option<String>,
    pub statement_at: Option<PrimitiveDateTime>,
    pub statement_by: Option<String>,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<PrimitiveDateTime>,
    pub recorded_by: String,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = hr_cases, treat_none_as_null = true)]
pub struct HrCase {
    pub id: String,
    pub employee_id: String,
    /// `dismissal`.
    pub kind: String,
    /// What opened the case, e.g. `discipline_record`.
    pub source_type: String,
    pub source_id: String,
    /// `open` or `closed`.
    pub status: String,
    pub note: String,
    pub closing_note: Option<String>,
    pub closed_by: Option<String>,
    pub closed_at: Option<PrimitiveDateTime>,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

/// Stores each of `offenses` whose code is not stored yet (admin edits are kept); returns the
/// codes added.
pub fn seed_missing_offenses(
    connection: &mut DbConnection,
    actor: &Actor,
    offenses: &[StoredOffense],
) -> StoreResult<Vec<String>> {
    let stored: Vec<String> = discipline_offenses::table
        .select(discipline_offenses::code)
        .load(connection)?;
    let mut added = Vec::new();
    for offense in offenses.iter().filter(|o| !stored.contains(&o.code)) {
        diesel::insert_into(discipline_offenses::table)
            .values(offense)
            .execute(connection)?;
        audit::record(
            connection,
            actor,
            "discipline_offense.seed",
            ("discipline_offense", &offense.code),
            None::<&()>,
            Some(offense),
        )?;
        added.push(offense.code.clone());
    }
    Ok(added)
}

pub fn list_offenses(connection: &mut DbConnection) -> StoreResult<Vec<StoredOffense>> {
    Ok(discipline_offenses::table
        .order(discipline_offenses::code.asc())
        .select(StoredOffense::as_select())
        .load(connection)?)
}

pub fn find_offense(
    connection: &mut DbConnection,
    code: &str,
) -> StoreResult<Option<StoredOffense>> {
    Ok(discipline_offenses::table
        .find(code)
        .select(StoredOffense::as_select())
        .first(connection)
        .optional()?)
}

/// Writes an edited offense over `before` while its stored version is still `before.version`.
pub fn save_offense(
    connection: &mut DbConnection,
    actor: &Actor,
    before: &StoredOffense,
    after: &StoredOffense,
) -> StoreResult<()> {
    save_versioned!(
        &mut *connection,
        discipline_offenses,
        Some(before),
        after,
        |row| &row.code
    )?;
    audit::record(
        connection,
        actor,
        "discipline_offense.update",
        ("discipline_offense", &before.code),
        Some(before),
        Some(after),
    )
}

pub fn insert_record(
    connection: &mut DbConnection,
    actor: &Actor,
    record: &DisciplineRecord,
) -> StoreResult<()> {
    diesel::insert_into(discipline_records::table)
        .values(record)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "discipline_record.create",
        ("discipline_record", &record.id),
        None::<&()>,
        Some(record),
    )
}

pub fn find_record(
    connection: &mut DbConnection,
    id: &str,
) -> StoreResult<Option<DisciplineRecord>> {
    Ok(discipline_records::table
        .find(id)
        .select(DisciplineRecord::as_select())
        .first(connection)
        .optional()?)
}

pub fn save_record(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &DisciplineRecord,
    after: &DisciplineRecord,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, discipline_records, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("discipline_record", &before.id),
        Some(before),
        Some(after),
    )
}

/// Takes the employee's row lock until the transaction ends, so that two confirmations for
/// one employee count each other's occurrences (SQLite's write transaction already holds the
/// database lock).
pub fn lock_employee(connection: &mut DbConnection, employee_id: &str) -> StoreResult<()> {
    if let DbConnection::Postgres(pg) = connection {
        employees::table
            .find(employee_id)
            .select(employees::id)
            .for_update()
            .first::<String>(pg)
            .optional()?;
    }
    Ok(())
}

/// How many confirmed records of `offense_code` the employee has with `occurred_at` in
/// `[from, to)` (UTC; every one when `window` is `None`).
pub fn confirmed_occurrences(
    connection: &mut DbConnection,
    employee_id: &str,
    offense_code: &str,
    window: Option<(PrimitiveDateTime, PrimitiveDateTime)>,
) -> StoreResult<i64> {
    let mut query = discipline_records::table
        .filter(discipline_records::employee_id.eq(employee_id.to_owned()))
        .filter(discipline_records::offense_code.eq(offense_code.to_owned()))
        .filter(discipline_records::status.eq("confirmed"))
        .count()
        .into_boxed::<MultiBackend>();
    if let Some((from, to)) = window {
        query = query
            .filter(discipline_records::occurred_at.ge(from))
            .filter(discipline_records::occurred_at.lt(to));
    }
    Ok(query.get_result(connection)?)
}

#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    pub employee_id: Option<String>,
    pub status: Option<String>,
    pub offense_code: Option<String>,
    pub after_id: Option<String>,
    pub limit: i64,
}

/// Records in the order they were made; one more than `limit` tells another page exists.
pub fn list_records(
    connection: &mut DbConnection,
    filter: &RecordFilter,
) -> StoreResult<Vec<DisciplineRecord>> {
    let mut query = discipline_records::table
        .select(DisciplineRecord::as_select())
        .order(discipline_records::id.asc())
        .limit(filter.limit + 1)
        .into_boxed::<MultiBackend>();
    if let Some(employee) = &filter.employee_id {
        query = query.filter(discipline_records::employee_id.eq(employee.clone()));
    }
    if let Some(status) = &filter.status {
        query = query.filter(discipline_records::status.eq(status.clone()));
    }
    if let Some(offense) = &filter.offense_code {
        query = query.filter(discipline_records::offense_code.eq(offense.clone()));
    }
    if let Some(after) = &filter.after_id {
        query = query.filter(discipline_records::id.gt(after.clone()));
    }
    Ok(query.load(connection)?)
}

/// A confirmed discipline fine, for a payslip.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ConfirmedFine {
    pub record_id: String,
    pub employee_id: String,
    pub offense_code: String,
    pub fine_fen: i64,
    pub occurred_at: PrimitiveDateTime,
}

/// DISC → PAY: the confirmed fines `month`'s payroll deducts: those an approved run of the
/// month already deducted, and those no approved run has deducted yet that occurred before
/// `occurred_before` (the month's end, UTC). A fine of an already approved month thus lands in
/// the next month computed, and never twice.
pub fn fines_for_payroll(
    connection: &mut DbConnection,
    employee_ids: &[String],
    month: &str,
    occurred_before: PrimitiveDateTime,
) -> StoreResult<Vec<ConfirmedFine>> {
    Ok(discipline_records::table
        .filter(discipline_records::status.eq("confirmed"))
        .filter(discipline_records::fine_fen.gt(0))
        .filter(discipline_records::employee_id.eq_any(employee_ids))
        .filter(
            discipline_records::payroll_month
                .eq(month)
                .or(discipline_records::payroll_month
                    .is_null()
                    .and(discipline_records::occurred_at.lt(occurred_before))),
        )
        .order((
            discipline_records::employee_id.asc(),
            discipline_records::occurred_at.asc(),
            discipline_records::id.asc(),
        ))
        .select((
            discipline_records::id,
            discipline_records::employee_id,
            discipline_records::offense_code,
            discipline_records::fine_fen,
            discipline_records::occurred_at,
        ))
        .load(connection)?)
}

/// Marks fines as deducted by `month`'s approved payroll (those not yet deducted by another
/// month). A derived fact of the approval, audited with the run, so the records' versions stay.
pub fn settle_fines(
    connection: &mut DbConnection,
    month: &str,
    record_ids: &[String],
) -> StoreResult<()> {
    for chunk in record_ids.chunks(10_000) {
        diesel::update(
            discipline_records::table
                .filter(discipline_records::id.eq_any(chunk))
                .filter(discipline_records::payroll_month.is_null()),
        )
        .set(discipline_records::payroll_month.eq(month))
        .execute(connection)?;
    }
    Ok(())
}

pub fn insert_hr_case(
    connection: &mut DbConnection,
    actor: &Actor,
    case: &HrCase,
) -> StoreResult<()> {
    diesel::insert_into(hr_cases::table)
        .values(case)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "hr_case.open",
        ("hr_case", &case.id),
        None::<&()>,
        Some(case),
    )
}

pub fn find_hr_case(connection: &mut DbConnection, id: &str) -> StoreResult<Option<HrCase>> {
    Ok(hr_cases::table
        .find(id)
        .select(HrCase::as_select())
        .first(connection)
        .optional()?)
}

/// HR cases in the order they were opened, optionally of one status.
pub fn list_hr_cases(
    connection: &mut DbConnection,
    status: Option<&str>,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<HrCase>> {
    let mut query = hr_cases::table
        .select(HrCase::as_select())
        .order(hr_cases::id.asc())
        .limit(limit + 1)
        .into_boxed::<MultiBackend>();
    if let Some(status) = status {
        query = query.filter(hr_cases::status.eq(status.to_owned()));
    }
    if let Some(after) = after_id {
        query = query.filter(hr_cases::id.gt(after.to_owned()));
    }
    Ok(query.load(connection)?)
}

pub fn save_hr_case(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &HrCase,
    after: &HrCase,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, hr_cases, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("hr_case", &before.id),
        Some(before),
        Some(after),
    )
}
