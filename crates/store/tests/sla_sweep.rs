//! SLA-5's breach sweep in the store, on both backends: batches walk the queue by key, urgent
//! orders first, each past-due open order marked once with one case.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use diesel::{QueryDsl, RunQueryDsl};
use time::macros::datetime;
use time::{Duration, PrimitiveDateTime};
use zhidu_domain::sla::queue_key;
use zhidu_store::both_backends;
use zhidu_store::db::{DbConnection, run_migrations, write_transaction};
use zhidu_store::new_id;
use zhidu_store::schema::accountability_cases;
use zhidu_store::testing::TestDatabase;
use zhidu_store::testing::fixtures::{actor, customer, department, employee};
use zhidu_store::work_orders::{self, WorkOrder};

const NOW: PrimitiveDateTime = datetime!(2026-11-28 12:00);

struct Desk {
    customer: String,
    employee: String,
}

fn order(
    connection: &mut DbConnection,
    desk: &Desk,
    status: &str,
    urgent: bool,
    due_in: Option<Duration>,
    breached: bool,
) -> String {
    let id = new_id();
    let due_at = due_in.map(|offset| NOW + offset);
    let order = WorkOrder {
        id: id.clone(),
        customer_id: desk.customer.clone(),
        kind: "general_fault".into(),
        description: "故障".into(),
        status: status.into(),
        flagged_major: false,
        urgent,
        first_responder_id: desk.employee.clone(),
        accountable_id: desk.employee.clone(),
        assignee_id: desk.employee.clone(),
        required_materials: "[]".into(),
        provided_materials: "[]".into(),
        network_ready: false,
        clock_started_at: due_at.map(|_| NOW - Duration::days(3)),
        due_at,
        sla_policy_version: None,
        calendar_provisional: false,
        breached,
        resolved_at: (status == "resolved").then_some(NOW),
        resolution: None,
        queue_key: queue_key(urgent, due_at.map(PrimitiveDateTime::assume_utc), &id),
        version: 1,
        created_at: NOW - Duration::days(3),
        updated_at: NOW - Duration::days(3),
        follow_up_of: None,
        first_answered_at: None,
    };
    work_orders::insert(connection, &actor(), &order).unwrap();
    id
}

/// A migrated database with a customer and the employee its orders are assigned to.
fn migrated_desk(db: &TestDatabase) -> (DbConnection, Desk) {
    let mut connection = db.url.connect().unwrap();
    run_migrations(&mut connection).unwrap();
    let department = department(&mut connection);
    let desk = Desk {
        customer: customer(&mut connection),
        employee: employee(&mut connection, &department, false),
    };
    (connection, desk)
}

/// Sweeps the way the API does: batch after batch, each after the last key, until one is short.
fn sweep(connection: &mut DbConnection, batch: i64) -> Vec<Vec<String>> {
    let mut batches = Vec::new();
    let mut after_key = String::new();
    loop {
        let swept = write_transaction(connection, |connection| {
            work_orders::sweep_breaches(connection, &actor(), NOW, &after_key, batch)
        })
        .unwrap();
        let done = (swept.ids.len() as i64) < batch;
        batches.push(swept.ids);
        match swept.last_key {
            Some(last_key) if !done => after_key = last_key,
            _ => return batches,
        }
    }
}

both_backends!(
    sla_5_the_sweep_marks_past_due_open_orders_once_urgent_first,
    |db: &TestDatabase| {
        let (mut connection, desk) = migrated_desk(db);
        let c = &mut connection;
        let hours = Duration::hours;
        let late_normal_first = order(c, &desk, "open", false, Some(hours(-3)), false);
        let late_urgent = order(c, &desk, "open", true, Some(hours(-2)), false);
        let later_urgent = order(c, &desk, "open", true, Some(hours(2)), false);
        let late_normal_last = order(c, &desk, "open", false, Some(hours(-1)), false);
        let late_normal_second = order(c, &desk, "open", false, Some(hours(-2)), false);
        let due_this_second = order(c, &desk, "open", false, Some(Duration::ZERO), false);
        let later_normal = order(c, &desk, "open", false, Some(hours(1)), false);
        let breached_before = order(c, &desk, "open", false, Some(hours(-5)), true);
        let resolved = order(c, &desk, "resolved", false, Some(hours(-4)), false);
        let waiting = order(c, &desk, "awaiting_materials", true, None, false);

        assert_eq!(
            sweep(c, 2),
            [
                vec![late_urgent.clone(), late_normal_first.clone()],
                vec![late_normal_second.clone(), late_normal_last.clone()],
                vec![],
            ],
            "urgent first, then by deadline; a full batch is followed by the next"
        );
        let marked = [
            &late_urgent,
            &late_normal_first,
            &late_normal_second,
            &late_normal_last,
        ];
        for id in marked {
            assert!(work_orders::find(c, id).unwrap().unwrap().breached, "{id}");
        }
        for id in [
            &later_urgent,
            &due_this_second,
            &later_normal,
            &resolved,
            &waiting,
        ] {
            assert!(!work_orders::find(c, id).unwrap().unwrap().breached, "{id}");
        }
        let cases: i64 = accountability_cases::table.count().get_result(c).unwrap();
        assert_eq!(
            cases, 4,
            "one case per marked order; none for {breached_before}"
        );
        assert_eq!(
            sweep(c, 2),
            [Vec::<String>::new()],
            "a breach is marked once"
        );
        assert_eq!(sweep(c, 100), [Vec::<String>::new()]);
    }
);

both_backends!(
    sla_5_sweepers_side_by_side_mark_each_order_once,
    |db: &TestDatabase| {
        let (mut connection, desk) = migrated_desk(db);
        let mut overdue: Vec<String> = (1..=30)
            .map(|minutes| {
                let due = Some(Duration::minutes(-minutes));
                order(&mut connection, &desk, "open", minutes % 7 == 0, due, false)
            })
            .collect();
        // Two sweepers on their own connections, as two replicas (or PostgreSQL's two
        // sweepers of one server) run them.
        let mut marked: Vec<String> = std::thread::scope(|scope| {
            let sweepers: Vec<_> = (0..2)
                .map(|_| {
                    scope.spawn(|| {
                        let mut own = db.url.connect().unwrap();
                        sweep(&mut own, 4).concat()
                    })
                })
                .collect();
            sweepers
                .into_iter()
                .flat_map(|sweeper| sweeper.join().unwrap())
                .collect()
        });
        marked.sort();
        overdue.sort();
        assert_eq!(marked, overdue, "every overdue order, each by one sweeper");
        let cases: i64 = accountability_cases::table
            .count()
            .get_result(&mut connection)
            .unwrap();
        assert_eq!(cases, 30);
    }
);
