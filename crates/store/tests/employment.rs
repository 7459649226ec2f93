//! EMP-4 in the store: which departures payroll must hold back, on both backends.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use std::collections::HashSet;

use time::macros::{date, time};
use zhidu_domain::person::ChecklistItem;
use zhidu_store::audit::Actor;
use zhidu_store::both_backends;
use zhidu_store::db::{DbConnection, run_migrations};
use zhidu_store::employment::{DepartureChecklist, incomplete_departures, save_checklist};
use zhidu_store::people::{self, Department, Employee};
use zhidu_store::testing::TestDatabase;
use zhidu_store::{new_id, now_utc};

fn actor() -> Actor {
    Actor {
        subject: "tester".into(),
        request_id: None,
    }
}

fn department(connection: &mut DbConnection) -> String {
    let now = now_utc();
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

fn employee(connection: &mut DbConnection, department_id: &str, left: bool) -> String {
    let now = now_utc();
    let employee = Employee {
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
    };
    people::insert_employee(connection, &actor(), &employee).unwrap();
    employee.id
}

fn checklist(connection: &mut DbConnection, employee_id: &str, items: &[ChecklistItem]) {
    let now = now_utc();
    let filled = items
        .iter()
        .fold(DepartureChecklist::empty(employee_id, now), |list, item| {
            list.with_item(*item, (Some(now), None))
        });
    save_checklist(
        connection,
        &actor(),
        "departure_checklist.open",
        None,
        &filled,
    )
    .unwrap();
}

both_backends!(
    emp_4_incomplete_departures_are_leavers_without_a_complete_checklist,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let department = department(&mut connection);
        let staying = employee(&mut connection, &department, false);
        let no_checklist = employee(&mut connection, &department, true);
        let partial = employee(&mut connection, &department, true);
        let complete = employee(&mut connection, &department, true);
        checklist(&mut connection, &partial, &ChecklistItem::ALL[..6]);
        checklist(&mut connection, &complete, &ChecklistItem::ALL);

        let asked = vec![
            staying.clone(),
            no_checklist.clone(),
            partial.clone(),
            complete.clone(),
            "no-such-employee".to_owned(),
        ];
        let incomplete = incomplete_departures(&mut connection, &asked).unwrap();
        assert_eq!(incomplete, HashSet::from([no_checklist.clone(), partial]));
        // Only the employees asked about are answered.
        let only = incomplete_departures(&mut connection, &[complete, staying]).unwrap();
        assert!(only.is_empty());
        let one = incomplete_departures(&mut connection, std::slice::from_ref(&no_checklist));
        assert_eq!(one.unwrap(), HashSet::from([no_checklist]));
    }
);
