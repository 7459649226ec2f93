//! What the service tests share: callers outside HTTP, staff members with accounts, and the
//! refusal a use case answered with. Each test binary compiles this module and uses its own
//! part of it.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the shared helpers"
)]
#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use zhidu_domain::role::Role;
use zhidu_service::ServiceError;
use zhidu_service::access::Caller;
use zhidu_store::audit::Actor;
use zhidu_store::db::DbConnection;
use zhidu_store::people::{self, Employee};
use zhidu_store::testing::fixtures::{actor, employee_row, user};

/// The account `subject` holding `roles`, acting at the suite's "now".
pub fn caller(subject: &str, roles: &[Role]) -> Caller {
    Caller {
        roles: roles.to_vec(),
        actor: Actor {
            subject: subject.to_owned(),
            ..actor()
        },
    }
}

/// The fixtures' tester holding `roles` (no employee record of its own).
pub fn acting_as(roles: &[Role]) -> Caller {
    Caller {
        roles: roles.to_vec(),
        actor: actor(),
    }
}

/// An employee of `department` with an account, reporting to `superior`.
pub fn staff_member(
    connection: &mut DbConnection,
    department: &str,
    superior: Option<&str>,
) -> Employee {
    employee_with_account(connection, department, superior, "employee")
}

fn employee_with_account(
    connection: &mut DbConnection,
    department: &str,
    superior: Option<&str>,
    account_roles: &str,
) -> Employee {
    let mut row = employee_row(department, false);
    row.user_id = Some(user(connection, account_roles));
    row.superior_id = superior.map(str::to_owned);
    people::insert_employee(connection, &actor(), &row).unwrap();
    row
}

/// `employee`'s own account holding `roles`.
pub fn as_caller(employee: &Employee, roles: &[Role]) -> Caller {
    caller(employee.user_id.as_deref().unwrap(), roles)
}

/// An employee of `department` with an account of `roles`, reporting to `superior`:
/// (employee id, the account's caller).
pub fn staff(
    connection: &mut DbConnection,
    department: &str,
    superior: Option<&str>,
    roles: &[Role],
) -> (String, Caller) {
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    let employee = employee_with_account(connection, department, superior, &names.join(" "));
    let account = as_caller(&employee, roles);
    (employee.id, account)
}

/// The field a use case refused, failing the test on any other answer.
pub fn refused_field<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> String {
    match result {
        Err(ServiceError::FieldRefused { field, .. }) => field,
        other => panic!("expected a field refusal, got {other:?}"),
    }
}
