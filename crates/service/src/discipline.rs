//! DISC: recording an offense with the ladder step its prior confirmed occurrences make, and
//! who may decide an employee's discipline. Every way an offense is recorded goes through
//! here: the discipline desk, CARE-3's missed after-sales visits, LEAD-1's duplicate
//! invitations and LEAD-2's quarrels.

use serde::{Deserialize, Serialize};
use time::{Date, PrimitiveDateTime, UtcOffset};
use zhidu_domain::calendar::SHANGHAI;
use zhidu_domain::discipline::{Offense, Penalty, RecordFacts, counting_window, penalty_for};
use zhidu_domain::role::Role;
use zhidu_store::audit::Actor;
use zhidu_store::db::DbConnection;
use zhidu_store::discipline::{self as store, DisciplineRecord, StoredOffense};
use zhidu_store::people::{self, Employee};
use zhidu_store::{StoreError, new_id};

use crate::access::employees::may_read_employee;
use crate::access::{Identity, roles};
use crate::error::{ServiceError, ServiceResult};
use crate::people::existing_employee;

/// A record's statuses as stored: heard (ACC-3), then confirmed, or withdrawn before that.
pub const PENDING_STATEMENT: &str = "pending_statement";
pub const AWAITING_CONFIRMATION: &str = "awaiting_confirmation";
pub const CONFIRMED: &str = "confirmed";
pub const WITHDRAWN: &str = "withdrawn";

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
            status: PENDING_STATEMENT.into(),
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
