//! Rows the store tests need around the one they are about: a department, its people, a
//! customer. Each helper inserts through the store, as the API would.

use time::macros::{date, time};

use crate::audit::Actor;
use crate::customers::{self, Customer};
use crate::db::DbConnection;
use crate::new_id;
use crate::people::{self, Department, Employee};
use crate::testing::test_moment;
use crate::users::{self, User};

pub fn actor() -> Actor {
    Actor {
        subject: "tester".into(),
        request_id: None,
        at: test_moment(),
    }
}

/// A customer-service department with the standard shift; returns its id.
pub fn department(connection: &mut DbConnection) -> String {
    let now = test_moment().stored();
    let department = Department {
        id: new_id(),
        name: "客服部".into(),
        manager_id: None,
        version: 1,
        created_at: now,
        updated_at: now,
        shift_start: time!(09:00),
        shift_end: time!(17:30),
        lunch_start: time!(12:00),
        lunch_end: time!(12:30),
        rest_start: time!(12:30),
        rest_end: time!(13:30),
        customer_service: true,
    };
    people::insert_department(connection, &actor(), &department).unwrap();
    department.id
}

/// A staff member of `department_id`, hired 2 March 2026; with `left`, resigned 30 June 2026.
pub fn employee(connection: &mut DbConnection, department_id: &str, left: bool) -> String {
    let employee = employee_row(department_id, left);
    people::insert_employee(connection, &actor(), &employee).unwrap();
    employee.id
}

/// The row [`employee`] inserts, for a test that changes it first (a superior, an account).
pub fn employee_row(department_id: &str, left: bool) -> Employee {
    let now = test_moment().stored();
    Employee {
        id: new_id(),
        name: "员工".into(),
        department_id: department_id.to_owned(),
        rank: "staff".into(),
        superior_id: None,
        user_id: None,
        version: 1,
        created_at: now,
        updated_at: now,
        gender: Some("female".into()),
        birth_date: Some(date!(1998 - 04 - 10)),
        hired_on: Some(date!(2026 - 03 - 02)),
        probation_end: Some(date!(2026 - 04 - 01)),
        left_on: left.then_some(date!(2026 - 06 - 30)),
        base_salary_fen: 520_000,
        rest_day: "sunday".into(),
        leaving_reason: left.then(|| "resignation".into()),
    }
}

/// An active user account with `roles` (space-separated); returns its id.
pub fn user(connection: &mut DbConnection, roles: &str) -> String {
    let now = test_moment().stored();
    let user = User {
        id: new_id(),
        username: format!("user-{}", new_id()),
        display_name: "用户".into(),
        password_hash: String::new(),
        roles: roles.into(),
        active: true,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    users::insert(connection, &actor(), &user).unwrap();
    user.id
}

/// An urban customer without owner or tier, inserted; returns its id.
pub fn customer(connection: &mut DbConnection) -> String {
    let customer = customer_row("测试客户");
    customers::insert(connection, &actor(), &customer).unwrap();
    customer.id
}

/// An urban customer without owner or tier, not yet stored.
pub fn customer_row(name: &str) -> Customer {
    let now = test_moment().stored();
    Customer {
        id: new_id(),
        full_name: name.into(),
        address: String::new(),
        postcode: String::new(),
        phone: String::new(),
        bank_account: String::new(),
        bank_name: String::new(),
        legal_representative: String::new(),
        area_type: "urban".into(),
        owner_id: None,
        first_contract_on: None,
        flags: String::new(),
        current_tier: None,
        current_tier_quarter: None,
        tier_overridden: false,
        version: 1,
        created_at: now,
        updated_at: now,
        service_area_id: None,
    }
}
