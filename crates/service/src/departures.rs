//! EMP-4, CARE-4: what every departure opens, however it is recorded.

use zhidu_domain::Refusal;
use zhidu_domain::care::{
    HandoverTaskStatus, SuccessorRecord, successor_account, successor_candidate,
};
use zhidu_store::customers::{self, CustomerChangeset};
use zhidu_store::db::DbConnection;
use zhidu_store::employment::{self as store, CustomerHandoverTask, DepartureChecklist};
use zhidu_store::new_id;
use zhidu_store::people::{self, Employee};

use crate::access::Identity;
use crate::error::{ServiceError, ServiceResult};

/// CARE-4: the successor of a leaver's customers (employee id, staff account); a refusal
/// names `successor_id`.
fn successor_for(
    connection: &mut DbConnection,
    leaver: &Employee,
    named: Option<&str>,
) -> ServiceResult<(String, String)> {
    let on_successor = |refusal: Refusal| {
        let note = refusal.to_string();
        ServiceError::from(refusal).concerning("successor_id", note)
    };
    let id = successor_candidate(named, leaver.superior_id.as_deref()).map_err(on_successor)?;
    let found = people::find_employee(connection, id)?;
    let record = found.as_ref().map(|employee| SuccessorRecord {
        employee_id: &employee.id,
        still_employed: employee.left_on.is_none(),
        account: employee.user_id.as_deref(),
    });
    let account = successor_account(&leaver.id, id, record).map_err(on_successor)?;
    Ok((id.to_owned(), account.to_owned()))
}

/// Hands every customer the leaver's account owns to the successor and opens a CARE-4 task
/// for each.
fn hand_over_customers(
    connection: &mut DbConnection,
    caller: &impl Identity,
    leaver: &Employee,
    named_successor: Option<&str>,
) -> ServiceResult<Vec<CustomerHandoverTask>> {
    let Some(account) = leaver.user_id.as_deref() else {
        return Ok(Vec::new());
    };
    let owned = store::customers_owned_by(connection, account)?;
    if owned.is_empty() {
        return Ok(Vec::new());
    }
    let (successor, successor_account) = successor_for(connection, leaver, named_successor)?;
    let now = caller.actor().at.stored();
    let mut tasks = Vec::with_capacity(owned.len());
    for customer_id in owned {
        let customer = customers::find(connection, &customer_id)?;
        customers::update(
            connection,
            caller.actor(),
            &customer.id,
            customer.version,
            &CustomerChangeset {
                owner_id: Some(Some(successor_account.clone())),
                ..CustomerChangeset::default()
            },
        )?;
        tasks.push(CustomerHandoverTask {
            id: new_id(),
            customer_id,
            leaver_id: leaver.id.clone(),
            successor_id: successor.clone(),
            status: HandoverTaskStatus::Open.as_str().into(),
            promised_services: None,
            completed_by: None,
            completed_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
        });
    }
    store::insert_handover_tasks(connection, caller.actor(), &tasks)?;
    Ok(tasks)
}

/// EMP-4, CARE-4: what every departure opens, however it is recorded (an accepted
/// resignation, or HR setting the leaving date): the hand-back checklist, and a hand-over task
/// for each customer the leaver owned, whose ownership passes to the successor.
pub fn open_departure(
    connection: &mut DbConnection,
    caller: &impl Identity,
    leaver: &Employee,
    named_successor: Option<&str>,
) -> ServiceResult<(DepartureChecklist, Vec<CustomerHandoverTask>)> {
    let checklist = match store::find_checklist(connection, &leaver.id)? {
        Some(existing) => existing,
        None => {
            let fresh = DepartureChecklist::empty(&leaver.id, caller.actor().at.stored());
            store::save_checklist(
                connection,
                caller.actor(),
                "departure_checklist.open",
                None,
                &fresh,
            )?;
            fresh
        }
    };
    let tasks = hand_over_customers(connection, caller, leaver, named_successor)?;
    Ok((checklist, tasks))
}
