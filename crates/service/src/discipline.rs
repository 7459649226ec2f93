//! DISC: recording an offense with the ladder step its prior confirmed occurrences make, and
//! who may decide an employee's discipline. Every way an offense is recorded goes through
//! here: the discipline desk, CARE-3's missed after-sales visits, LEAD-1's duplicate
//! invitations and LEAD-2's quarrels.

use serde::{Deserialize, Serialize};
use time::{Date, PrimitiveDateTime, UtcOffset};
use zhidu_domain::calendar::SHANGHAI;
use zhidu_domain::discipline::{
    HrCaseStatus, Offense, OffenseCatalog, Penalty, RecordFacts, RecordStatus, counting_window,
    penalty_for,
};
use zhidu_domain::role::Role;
use zhidu_store::audit::Actor;
use zhidu_store::db::DbConnection;
use zhidu_store::discipline::{self as store, RecordFilter};
use zhidu_store::people::{self, Employee};
use zhidu_store::versioned::Versioned;
use zhidu_store::{new_id, read_stored};

pub use zhidu_store::StoreError;
pub use zhidu_store::discipline::{DisciplineRecord, HrCase, StoredOffense};

use crate::access::employees::{listing_subject, may_read_employee};
use crate::access::{Identity, roles};
use crate::error::{ServiceError, ServiceResult};
use crate::people::existing_employee;
use crate::versioned::at_version;

/// Whether the caller may record or confirm discipline for `employee`: the roles above, or a
/// manager who manages them (head of their department or their superior).
pub fn may_decide_for(
    connection: &mut DbConnection,
    caller: &impl Identity,
    employee: &Employee,
) -> ServiceResult<bool> {
    if caller.has_any(roles::DISCIPLINE_FOR_EVERYONE) {
        return Ok(true);
    }
    if !caller.has_any(&[Role::Manager]) {
        return Ok(false);
    }
    Ok(
        match people::employee_of_user(connection, caller.subject())? {
            Some(me) => people::manages(connection, &me.id, employee)?,
            None => false,
        },
    )
}

/// Whether the caller may read `record`: the roles that decide for everyone, or whoever may
/// read its employee.
fn may_read_record(
    connection: &mut DbConnection,
    caller: &impl Identity,
    record: &DisciplineRecord,
) -> ServiceResult<bool> {
    if caller.has_any(roles::DISCIPLINE_FOR_EVERYONE) {
        return Ok(true);
    }
    let employee = people::find_employee(connection, &record.employee_id)?.ok_or_else(|| {
        StoreError::Corrupt(format!(
            "discipline record {} without its employee",
            record.id
        ))
    })?;
    may_read_employee(connection, caller, &employee)
}

/// The record `id` if the caller may read it; otherwise not found, so ids cannot be probed.
pub fn readable_record(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
) -> ServiceResult<DisciplineRecord> {
    let not_found = || ServiceError::not_found(format!("no discipline record {id}"));
    let record = store::find_record(connection, id)?.ok_or_else(not_found)?;
    if may_read_record(connection, caller, &record)? {
        Ok(record)
    } else {
        Err(not_found())
    }
}

pub fn offense_of(stored: &str) -> ServiceResult<Offense> {
    serde_json::from_str(stored)
        .map_err(|e| StoreError::Corrupt(format!("offense definition: {e}")).into())
}

/// Facts of a record that move its penalty, kept with the record as JSON.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordFlags {
    /// The company discovered the offense itself (false accounts: dismissal at once).
    #[serde(default)]
    pub discovered_by_company: bool,
}

/// The facts a record was made with, for recounting its penalty when it is confirmed.
pub fn facts_of(record: &DisciplineRecord) -> ServiceResult<RecordFacts> {
    let flags: RecordFlags = serde_json::from_str(&record.flags)
        .map_err(|e| StoreError::Corrupt(format!("record flags: {e}")))?;
    Ok(RecordFacts {
        count: u32::try_from(record.unit_count).unwrap_or(1),
        discovered_by_company: flags.discovered_by_company,
    })
}

/// The local (Shanghai) midnight that starts `date`, as the database stores instants (UTC):
/// counting windows are local days.
fn local_midnight_utc(date: Date) -> PrimitiveDateTime {
    let utc = date
        .midnight()
        .assume_offset(SHANGHAI)
        .to_offset(UtcOffset::UTC);
    PrimitiveDateTime::new(utc.date(), utc.time())
}

/// DISC: how many confirmed records of the offense the employee has in the window of
/// `occurred_at`, and the penalty that makes this record's.
pub fn decide_penalty(
    connection: &mut DbConnection,
    employee_id: &str,
    offense: &Offense,
    occurred_at: PrimitiveDateTime,
    facts: &RecordFacts,
) -> ServiceResult<Penalty> {
    let local_day = occurred_at.assume_utc().to_offset(SHANGHAI).date();
    let window = counting_window(offense.window, local_day)
        .map(|(first, next)| (local_midnight_utc(first), local_midnight_utc(next)));
    let prior = store::confirmed_occurrences(connection, employee_id, &offense.code, window)?;
    Ok(penalty_for(
        offense,
        u32::try_from(prior).unwrap_or(u32::MAX),
        facts,
    ))
}

/// Writes the penalty's parts into the record's columns.
pub fn with_penalty(
    record: DisciplineRecord,
    penalty: &Penalty,
) -> ServiceResult<DisciplineRecord> {
    Ok(DisciplineRecord {
        occurrence: i32::try_from(penalty.occurrence).unwrap_or(i32::MAX),
        penalty: serde_json::to_string(penalty).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        fine_fen: penalty.fine.fen(),
        ..record
    })
}

/// An offense to record: from the discipline desk, or built by a rule that turns a breach into
/// one (CARE-3), whose text and count no client typed.
#[derive(Debug, Clone)]
pub struct NewRecord {
    pub employee_id: String,
    pub offense_code: String,
    /// When it happened, as stored (UTC); not in the future.
    pub occurred_at: PrimitiveDateTime,
    pub details: String,
    /// Persons or visits, for an offense fined per unit (default 1).
    pub count: Option<i32>,
    pub flags: RecordFlags,
}

/// Records an offense (DISC) for `caller` in the open transaction: the ladder step that
/// applies given the employee's prior confirmed records of it in the window. Shared by the
/// discipline desk and the rules that turn a breach into an offense (CARE-3).
pub fn record_offense(
    connection: &mut DbConnection,
    caller: &impl Identity,
    request: NewRecord,
) -> ServiceResult<DisciplineRecord> {
    if request.occurred_at > caller.actor().at.stored() {
        return Err(ServiceError::field_refused(
            "occurred_at",
            "must not be in the future",
        ));
    }
    let stored = store::find_offense(connection, &request.offense_code)?.ok_or_else(|| {
        ServiceError::field_refused(
            "offense_code",
            format!(
                "no offense {}; GET /api/v1/discipline/offenses lists them",
                request.offense_code
            ),
        )
    })?;
    let offense = offense_of(&stored.definition)?;
    let employee = existing_employee(connection, "employee_id", &request.employee_id)?;
    if !may_decide_for(connection, caller, &employee)? {
        return Err(ServiceError::forbidden(
            "a manager records discipline only for the employees they manage",
        ));
    }
    let count = request.count.unwrap_or(1);
    if count > 1 && offense.counted_per.is_none() {
        return Err(ServiceError::field_refused(
            "count",
            format!(
                "{} is not fined per person or visit; record it once per person",
                offense.code
            ),
        ));
    }
    if request.flags.discovered_by_company && offense.when_discovered_by_company.is_none() {
        return Err(ServiceError::field_refused(
            "flags.discovered_by_company",
            format!("{} has no rule for discovery by the company", offense.code),
        ));
    }
    open_record(
        connection,
        caller.actor(),
        caller.subject(),
        NewOffenseRecord {
            employee_id: employee.id,
            stored,
            occurred_at: request.occurred_at,
            details: request.details.trim().to_owned(),
            count,
            flags: request.flags,
        },
    )
}

/// An offense to record, once its inputs are checked.
#[derive(Debug, Clone)]
pub struct NewOffenseRecord {
    pub employee_id: String,
    pub stored: StoredOffense,
    pub occurred_at: PrimitiveDateTime,
    pub details: String,
    pub count: i32,
    pub flags: RecordFlags,
}

/// DISC: records an offense with the ladder step its prior confirmed occurrences make, waiting
/// for the employee's statement (ACC-3). Every way an offense is recorded ends here: the
/// discipline desk and CARE-3 through `record_offense`, LEAD-1's duplicate invitation directly.
pub fn open_record(
    connection: &mut DbConnection,
    actor: &Actor,
    recorded_by: &str,
    new: NewOffenseRecord,
) -> ServiceResult<DisciplineRecord> {
    let offense = offense_of(&new.stored.definition)?;
    let facts = RecordFacts {
        count: u32::try_from(new.count).unwrap_or(1),
        discovered_by_company: new.flags.discovered_by_company,
    };
    let penalty = decide_penalty(
        connection,
        &new.employee_id,
        &offense,
        new.occurred_at,
        &facts,
    )?;
    let now = actor.at.stored();
    let record = with_penalty(
        DisciplineRecord {
            id: new_id(),
            employee_id: new.employee_id,
            offense_code: new.stored.code,
            offense_version: new.stored.version,
            offense_definition: new.stored.definition,
            occurred_at: new.occurred_at,
            details: new.details,
            unit_count: new.count,
            flags: serde_json::to_string(&new.flags)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            occurrence: 1,
            penalty: String::new(),
            fine_fen: 0,
            status: RecordStatus::PendingStatement.as_str().into(),
            statement: None,
            statement_note: None,
            statement_at: None,
            statement_by: None,
            confirmed_by: None,
            confirmed_at: None,
            recorded_by: recorded_by.to_owned(),
            version: 1,
            created_at: now,
            updated_at: now,
        },
        &penalty,
    )?;
    store::insert_record(connection, actor, &record)?;
    Ok(record)
}

/// Stores each offense of the RULES.md catalog whose code is not stored yet (at start-up);
/// offenses an administrator edited are left as they are.
pub fn seed_catalog(connection: &mut DbConnection, actor: &Actor) -> ServiceResult<()> {
    let now = actor.at.stored();
    let rows = OffenseCatalog::default()
        .offenses
        .iter()
        .map(|offense| {
            Ok(StoredOffense {
                code: offense.code.clone(),
                definition: definition_text(offense)?,
                version: 1,
                created_at: now,
                updated_at: now,
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    store::seed_missing_offenses(connection, actor, &rows)?;
    Ok(())
}

fn definition_text(offense: &Offense) -> ServiceResult<String> {
    serde_json::to_string(offense)
        .map_err(|e| StoreError::Corrupt(format!("offense definition: {e}")).into())
}

/// The offense catalog, by code.
pub fn list_offenses(connection: &mut DbConnection) -> ServiceResult<Vec<StoredOffense>> {
    Ok(store::list_offenses(connection)?)
}

/// The stored offense `code`.
pub fn existing_offense(connection: &mut DbConnection, code: &str) -> ServiceResult<StoredOffense> {
    store::find_offense(connection, code)?
        .ok_or_else(|| ServiceError::not_found(format!("no offense {code}")))
}

/// An administrator's new ladder for the offense `code`, as the next version of the one they
/// read. Records already made keep the ladder they were made with.
pub fn update_offense(
    connection: &mut DbConnection,
    actor: &Actor,
    code: &str,
    definition: &Offense,
    version: i64,
) -> ServiceResult<StoredOffense> {
    let before = existing_offense(connection, code)?;
    if before.version != version {
        return Err(ServiceError::Stale(format!(
            "offense {code} is at version {}, not {version}",
            before.version
        )));
    }
    let after = StoredOffense {
        definition: definition_text(definition)?,
        version: before.version + 1,
        updated_at: actor.at.stored(),
        ..before.clone()
    };
    store::save_offense(connection, actor, &before, &after)?;
    Ok(after)
}

/// Which records to list, as the caller asked.
#[derive(Debug, Clone, Default)]
pub struct RecordQuery {
    /// Whose records; the caller's own when `None`, unless they read everyone's.
    pub employee: Option<String>,
    pub status: Option<RecordStatus>,
    pub offense_code: Option<String>,
    pub after_id: Option<String>,
    pub limit: i64,
}

/// Discipline records in the order they were made: an employee reads only their own; the
/// roles that decide for everyone read anyone's.
pub fn list_records(
    connection: &mut DbConnection,
    caller: &impl Identity,
    query: RecordQuery,
) -> ServiceResult<Vec<DisciplineRecord>> {
    let employee_id = listing_subject(
        connection,
        caller,
        query.employee,
        caller.has_any(roles::DISCIPLINE_FOR_EVERYONE),
        "employee",
    )?;
    let filter = RecordFilter {
        employee_id,
        status: query.status.map(|s| s.as_str().to_owned()),
        offense_code: query.offense_code,
        after_id: query.after_id,
        limit: query.limit,
    };
    Ok(store::list_records(connection, &filter)?)
}

/// ACC-3: the employee's own statement, recorded by the employee through their own account or
/// by HR on their behalf with a note saying how it was taken; the record then awaits
/// confirmation.
pub fn record_statement(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
    statement: &str,
    note: Option<&str>,
) -> ServiceResult<DisciplineRecord> {
    let before = readable_record(connection, caller, id)?;
    let own = people::find_employee(connection, &before.employee_id)?
        .and_then(|e| e.user_id)
        .is_some_and(|user| user == caller.subject());
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if !own {
        if !caller.has_any(roles::PEOPLE_ADMINS) {
            return Err(ServiceError::forbidden(
                "only the employee, or HR on their behalf, records the statement",
            ));
        }
        if note.is_none() {
            return Err(ServiceError::field_refused(
                "note",
                "say how the statement was taken when recording it on the employee's behalf",
            ));
        }
    }
    let before = at_version(before, version)?;
    if read_stored::<RecordStatus>(&before.status)? != RecordStatus::PendingStatement {
        return Err(ServiceError::conflict(format!(
            "record {id} is {}; a statement is recorded only while pending_statement",
            before.status
        )));
    }
    let actor = caller.actor();
    let mut after = before.bumped(actor.at.stored());
    after.statement = Some(statement.trim().to_owned());
    after.statement_note = if own { None } else { note.map(str::to_owned) };
    after.statement_at = Some(after.updated_at);
    after.statement_by = Some(caller.subject().to_owned());
    after.status = RecordStatus::AwaitingConfirmation.as_str().into();
    store::save_record(
        connection,
        actor,
        "discipline_record.statement",
        &before,
        &after,
    )?;
    Ok(after)
}

/// Confirms the penalty (a manager of the employee or the roles that decide for everyone);
/// refused (ACC-3) until the statement is recorded. The occurrence is recounted now, from the
/// ladder the record was made with; a dismissal step opens an HR case, and a meeting-host step
/// owes its hosting days, in the same transaction.
pub fn confirm_record(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
) -> ServiceResult<DisciplineRecord> {
    let before = readable_record(connection, caller, id)?;
    let employee = people::find_employee(connection, &before.employee_id)?.ok_or_else(|| {
        StoreError::Corrupt(format!("discipline record {id} without its employee"))
    })?;
    if !may_decide_for(connection, caller, &employee)? {
        return Err(ServiceError::forbidden(
            "a manager confirms discipline only for the employees they manage",
        ));
    }
    let before = at_version(before, version)?;
    match read_stored::<RecordStatus>(&before.status)? {
        RecordStatus::AwaitingConfirmation => {}
        RecordStatus::PendingStatement => {
            return Err(ServiceError::RuleConflict {
                rule: "ACC-3",
                detail: "the employee's own statement must be recorded before the penalty is confirmed (ACC-3)".into(),
            });
        }
        other => {
            return Err(ServiceError::conflict(format!(
                "record {id} is {}",
                other.as_str()
            )));
        }
    }
    store::lock_employee(connection, &before.employee_id)?;
    let offense = offense_of(&before.offense_definition)?;
    let facts = facts_of(&before)?;
    let penalty = decide_penalty(
        connection,
        &before.employee_id,
        &offense,
        before.occurred_at,
        &facts,
    )?;
    let actor = caller.actor();
    let mut after = with_penalty(before.bumped(actor.at.stored()), &penalty)?;
    after.status = RecordStatus::Confirmed.as_str().into();
    after.confirmed_by = Some(caller.subject().to_owned());
    after.confirmed_at = Some(after.updated_at);
    store::save_record(
        connection,
        actor,
        "discipline_record.confirm",
        &before,
        &after,
    )?;
    if penalty.dismissal {
        let case = HrCase {
            id: new_id(),
            employee_id: after.employee_id.clone(),
            kind: "dismissal".into(),
            source_type: "discipline_record".into(),
            source_id: after.id.clone(),
            status: HrCaseStatus::Open.as_str().into(),
            note: format!(
                "DISC {}: occurrence {} confirmed — dismissal",
                after.offense_code, penalty.occurrence
            ),
            closing_note: None,
            closed_by: None,
            closed_at: None,
            version: 1,
            created_at: after.updated_at,
            updated_at: after.updated_at,
        };
        store::insert_hr_case(connection, actor, &case)?;
    }
    crate::meeting_hosts::owe_hosting_days(
        connection,
        actor,
        (&after.employee_id, &after.id),
        after.occurred_at,
        &penalty,
    )?;
    Ok(after)
}

/// Withdraws a record made in error (its recorder, or HR), only before confirmation.
pub fn withdraw_record(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
) -> ServiceResult<DisciplineRecord> {
    let before = readable_record(connection, caller, id)?;
    if before.recorded_by != caller.subject() && !caller.has_any(roles::PEOPLE_ADMINS) {
        return Err(ServiceError::forbidden(
            "only the recorder or HR withdraws a discipline record",
        ));
    }
    let before = at_version(before, version)?;
    if !matches!(
        read_stored::<RecordStatus>(&before.status)?,
        RecordStatus::PendingStatement | RecordStatus::AwaitingConfirmation
    ) {
        return Err(ServiceError::conflict(format!(
            "record {id} is {}; only an unconfirmed record is withdrawn",
            before.status
        )));
    }
    let actor = caller.actor();
    let mut after = before.bumped(actor.at.stored());
    after.status = RecordStatus::Withdrawn.as_str().into();
    store::save_record(
        connection,
        actor,
        "discipline_record.withdraw",
        &before,
        &after,
    )?;
    Ok(after)
}

/// The HR case `id`.
pub fn existing_hr_case(connection: &mut DbConnection, id: &str) -> ServiceResult<HrCase> {
    store::find_hr_case(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no HR case {id}")))
}

/// HR cases in the order they were opened.
pub fn list_hr_cases(
    connection: &mut DbConnection,
    status: Option<HrCaseStatus>,
    after_id: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<HrCase>> {
    Ok(store::list_hr_cases(
        connection,
        status.map(HrCaseStatus::as_str),
        after_id,
        limit,
    )?)
}

/// Closes an open HR case with a note saying what was done.
pub fn close_hr_case(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
    note: &str,
) -> ServiceResult<HrCase> {
    let before = at_version(existing_hr_case(connection, id)?, version)?;
    if read_stored::<HrCaseStatus>(&before.status)? != HrCaseStatus::Open {
        return Err(ServiceError::conflict(format!("HR case {id} is closed")));
    }
    let actor = caller.actor();
    let now = actor.at.stored();
    let after = HrCase {
        status: HrCaseStatus::Closed.as_str().into(),
        closing_note: Some(note.trim().to_owned()),
        closed_by: Some(caller.subject().to_owned()),
        closed_at: Some(now),
        ..before.bumped(now)
    };
    store::save_hr_case(connection, actor, "hr_case.close", &before, &after)?;
    Ok(after)
}
