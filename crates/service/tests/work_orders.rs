//! SLA-3, SLA-7 and CMP-4 through the service, on both backends: an extension is decided once
//! and moves the deadline by what was approved; a hand-over moves accountability only when the
//! owner accepts; a complaint opens its `complaint` work order with the reply deadline.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use time::OffsetDateTime;
use time::macros::datetime;
use zhidu_domain::policy::InForce;
use zhidu_domain::role::Role;
use zhidu_domain::sla::{SlaPolicy, WorkOrderKind, WorkOrderStatus};
use zhidu_service::ServiceError;
use zhidu_service::access::Caller;
use zhidu_service::complaints::{NewComplaint, file_complaint};
use zhidu_service::work_orders::{
    HandOver, NewWorkOrder, decide_extension, find_order, hand_over, open_order, request_extension,
};
use zhidu_store::audit::Actor;
use zhidu_store::both_backends;
use zhidu_store::clock::{COMPANY_ZONE, Moment};
use zhidu_store::db::{DbConnection, run_migrations};
use zhidu_store::people;
use zhidu_store::testing::TestDatabase;
use zhidu_store::testing::fixtures::{customer, department, employee_row};
use zhidu_store::work_orders;

/// A working Wednesday morning in Shanghai, whatever `ZHIDU_TEST_NOW` says: the deadlines
/// below are counted from it.
const NOW: OffsetDateTime = datetime!(2026-12-09 10:00 +8);

fn desk_actor() -> Actor {
    Actor {
        subject: "desk-agent".into(),
        request_id: None,
        at: Moment::new(NOW, COMPANY_ZONE),
    }
}

fn desk_agent() -> Caller {
    Caller {
        roles: vec![Role::CsAgent],
        actor: desk_actor(),
    }
}

fn staff(connection: &mut DbConnection, department: &str, rank: &str) -> String {
    let mut row = employee_row(department, false);
    row.rank = rank.into();
    people::insert_employee(connection, &desk_actor(), &row).unwrap();
    row.id
}

fn general_fault(connection: &mut DbConnection, received_by: Vec<String>) -> String {
    let customer = customer(connection);
    open_order(
        connection,
        &desk_actor(),
        &documented_sla(),
        &NewWorkOrder {
            customer_id: customer,
            kind: WorkOrderKind::GeneralFault,
            description: "断网".into(),
            received_by,
            required_materials: Vec::new(),
            provided_materials: Vec::new(),
            network_ready: false,
            flagged_major: false,
        },
    )
    .unwrap()
    .id
}

/// The SLA policy as version 1 holds it (docs/rules.md's defaults).
fn documented_sla() -> InForce<SlaPolicy> {
    InForce {
        version: 1,
        effective_from: time::macros::date!(1970 - 01 - 01),
        values: SlaPolicy::default(),
    }
}

both_backends!(
    sla_3_an_extension_is_decided_once_and_moves_the_deadline,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let agent = staff(&mut connection, &office, "staff");
        let id = general_fault(&mut connection, vec![agent]);
        let order = find_order(&mut connection, &id).unwrap();
        // A general fault: 24 clock hours from the clock's start, which is the opening.
        assert_eq!(order.status, "open");
        assert_eq!(
            order.due_at.unwrap().assume_utc(),
            datetime!(2026-12-10 10:00 +8)
        );

        // Not later than the deadline in force: the field is refused.
        let earlier = request_extension(&mut connection, &desk_actor(), &id, "需要更换设备", NOW)
            .unwrap_err();
        assert!(
            matches!(&earlier, ServiceError::FieldRefused { field, .. } if field == "requested_due_at"),
            "{earlier:?}"
        );

        let asked = datetime!(2026-12-12 18:00 +8);
        let extension =
            request_extension(&mut connection, &desk_actor(), &id, "需要更换设备", asked).unwrap();
        assert_eq!(extension.status, "pending");
        assert_eq!(
            find_order(&mut connection, &id)
                .unwrap()
                .due_at
                .unwrap()
                .assume_utc(),
            datetime!(2026-12-10 10:00 +8),
            "a pending extension leaves the deadline"
        );

        let after =
            decide_extension(&mut connection, &desk_actor(), &id, &extension.id, true).unwrap();
        // Moved by exactly what was approved: from 10 December 10:00 to 12 December 18:00.
        let due = after.due_at.unwrap().assume_utc();
        assert_eq!(due, asked);
        assert_eq!(
            due - datetime!(2026-12-10 10:00 +8),
            time::Duration::hours(56)
        );
        assert_eq!(after.version, order.version + 1);
        let stored = work_orders::find_extension(&mut connection, &id, &extension.id)
            .unwrap()
            .unwrap();
        assert_eq!(stored.status, "approved");
        assert_eq!(stored.decided_by.as_deref(), Some("desk-agent"));

        // A decided extension is not decided again, and the deadline stays.
        let again = decide_extension(&mut connection, &desk_actor(), &id, &extension.id, false)
            .unwrap_err();
        match again {
            ServiceError::Conflict(detail) => assert_eq!(
                detail,
                format!("extension {} was already approved", extension.id)
            ),
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert_eq!(
            find_order(&mut connection, &id)
                .unwrap()
                .due_at
                .unwrap()
                .assume_utc(),
            asked
        );
    }
);

both_backends!(
    sla_7_a_hand_over_moves_accountability_only_when_the_owner_accepts,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let agent = staff(&mut connection, &office, "staff");
        let manager = staff(&mut connection, &office, "manager");
        let technician = staff(&mut connection, &office, "staff");
        let owner = staff(&mut connection, &office, "staff");
        // The manager outranks the agent listed first: the first responder, accountable.
        let id = general_fault(&mut connection, vec![agent.clone(), manager.clone()]);
        let order = find_order(&mut connection, &id).unwrap();
        assert_eq!(order.first_responder_id, manager);
        assert_eq!(order.accountable_id, manager);
        assert_eq!(order.assignee_id, manager);

        let handed = hand_over(
            &mut connection,
            &desk_actor(),
            &id,
            1,
            &HandOver {
                to_employee_id: technician.clone(),
                accepted_by_owner: false,
                note: "转维护部".into(),
            },
        )
        .unwrap();
        assert_eq!(handed.assignee_id, technician);
        assert_eq!(handed.accountable_id, manager, "not accepted: stays");

        let same = hand_over(
            &mut connection,
            &desk_actor(),
            &id,
            2,
            &HandOver {
                to_employee_id: technician.clone(),
                accepted_by_owner: true,
                note: String::new(),
            },
        )
        .unwrap_err();
        assert!(
            matches!(&same, ServiceError::FieldRefused { field, message }
                if field == "to_employee_id" && message == "the order is already assigned to them"),
            "{same:?}"
        );

        let accepted = hand_over(
            &mut connection,
            &desk_actor(),
            &id,
            2,
            &HandOver {
                to_employee_id: owner.clone(),
                accepted_by_owner: true,
                note: String::new(),
            },
        )
        .unwrap();
        assert_eq!(accepted.assignee_id, owner);
        assert_eq!(accepted.accountable_id, owner);
        assert_eq!(accepted.first_responder_id, manager, "never changes");
        assert_eq!(accepted.version, 3);

        let kept = work_orders::handovers(&mut connection, &id).unwrap();
        assert_eq!(kept.len(), 2);
        assert_eq!(
            (
                kept[0].from_employee_id.as_str(),
                kept[0].to_employee_id.as_str()
            ),
            (manager.as_str(), technician.as_str())
        );
        assert!(!kept[0].accepted_by_owner);
        assert_eq!(
            (
                kept[1].from_employee_id.as_str(),
                kept[1].to_employee_id.as_str()
            ),
            (technician.as_str(), owner.as_str())
        );
        assert!(kept[1].accepted_by_owner);

        // A stale version is refused rather than overwriting the change.
        let stale = hand_over(
            &mut connection,
            &desk_actor(),
            &id,
            2,
            &HandOver {
                to_employee_id: agent,
                accepted_by_owner: false,
                note: String::new(),
            },
        )
        .unwrap_err();
        assert!(matches!(stale, ServiceError::Stale(_)), "{stale:?}");
    }
);

both_backends!(
    cmp_4_a_complaint_opens_its_complaint_order_with_the_reply_deadline,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let agent = staff(&mut connection, &office, "staff");
        let customer = customer(&mut connection);
        let filing = |inform_accused: bool| NewComplaint {
            customer_id: customer.clone(),
            description: " 装维人员态度差 ".into(),
            received_by: vec![agent.clone()],
            accused_employee_id: None,
            flagged_major: true,
            inform_accused,
        };
        // CMP-2: only the customer-service manager may keep the accused uninformed.
        let withheld = file_complaint(
            &mut connection,
            &desk_agent(),
            &documented_sla(),
            &filing(false),
        )
        .unwrap_err();
        assert!(
            matches!(withheld, ServiceError::Forbidden(_)),
            "{withheld:?}"
        );
        let complaint = file_complaint(
            &mut connection,
            &desk_agent(),
            &documented_sla(),
            &filing(true),
        )
        .unwrap();
        assert_eq!(complaint.route, "customer_service");
        assert_eq!(complaint.status, "open");
        assert_eq!(complaint.handler_employee_id, None);

        let order = find_order(&mut connection, &complaint.work_order_id).unwrap();
        assert_eq!(order.kind, WorkOrderKind::Complaint.as_str());
        assert_eq!(order.status, WorkOrderStatus::Open.as_str());
        assert_eq!(order.customer_id, customer);
        assert_eq!(order.description, "装维人员态度差");
        assert_eq!(order.first_responder_id, agent);
        assert!(order.urgent, "SLA-4: a major complaint is urgent");
        // The clock starts at the filing: Wednesday 9 December 10:00.
        assert_eq!(
            order.clock_started_at.unwrap().assume_utc(),
            datetime!(2026-12-09 10:00 +8)
        );
        // Three working days: Thursday 10, Friday 11, Monday 14, to the end of that day.
        assert_eq!(
            order.due_at.unwrap().assume_utc(),
            datetime!(2026-12-14 23:59:59 +8)
        );
    }
);
