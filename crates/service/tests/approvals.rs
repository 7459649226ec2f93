//! Approval chains through the service, on both backends: the one decision procedure that leave
//! requests, attendance exceptions, make-up punches and regularizations all use — in order,
//! by the step's holder, never by the requester, and the request's status from its chain.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use zhidu_domain::approval::{ApplicationStatus, Decision, StepKind};
use zhidu_domain::role::Role;
use zhidu_service::ServiceError;
use zhidu_service::access::Caller;
use zhidu_service::approvals::{Decidable, StepDecision, decide_request, new_chain};
use zhidu_store::attendance::{self, MakeUpRequest};
use zhidu_store::audit::Actor;
use zhidu_store::both_backends;
use zhidu_store::db::{DbConnection, run_migrations};
use zhidu_store::people::{self, Employee};
use zhidu_store::testing::fixtures::{actor, department, employee_row, user};
use zhidu_store::testing::{TestDatabase, test_moment};
use zhidu_store::{approvals, new_id};

/// An employee with a staff account (its id is the caller's subject).
fn staff(connection: &mut DbConnection, department: &str) -> Employee {
    let mut row = employee_row(department, false);
    row.user_id = Some(user(connection, "employee"));
    people::insert_employee(connection, &actor(), &row).unwrap();
    row
}

fn caller_of(employee: &Employee, roles: Vec<Role>) -> Caller {
    Caller {
        roles,
        actor: Actor {
            subject: employee.user_id.clone().unwrap(),
            ..actor()
        },
    }
}

/// A pending make-up request of `employee` with a supervisor step then an HR step.
fn filed(connection: &mut DbConnection, employee: &Employee, supervisor: &Employee) -> String {
    let now = test_moment().stored();
    let request = MakeUpRequest {
        id: new_id(),
        employee_id: employee.id.clone(),
        punched_at: now,
        reason: "忘记打卡".into(),
        status: ApplicationStatus::Pending.as_str().into(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let chain = new_chain(
        MakeUpRequest::SUBJECT,
        &request.id,
        &[
            (StepKind::Supervisor, Some(supervisor.id.clone())),
            (StepKind::Hr, None),
        ],
    );
    attendance::insert_make_up_request(connection, &actor(), &request).unwrap();
    approvals::insert_chain(connection, &chain).unwrap();
    request.id
}

fn approve(step: Option<StepKind>) -> StepDecision {
    StepDecision {
        step,
        decision: Decision::Approved,
        comment: None,
    }
}

both_backends!(
    a_chain_is_decided_in_order_by_its_holders_and_sets_the_status,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let supervisor = staff(&mut connection, &office);
        let employee = staff(&mut connection, &office);
        let colleague = staff(&mut connection, &office);
        let hr_officer = staff(&mut connection, &office);
        let id = filed(&mut connection, &employee, &supervisor);
        let decide = |connection: &mut DbConnection, caller: &Caller, decision: StepDecision| {
            decide_request::<MakeUpRequest>(connection, caller, &id, &decision)
        };
        let hr = caller_of(&hr_officer, vec![Role::Hr]);

        // HR's step waits for the supervisor's.
        let early = decide(&mut connection, &hr, approve(Some(StepKind::Hr)));
        assert!(matches!(early, Err(ServiceError::Conflict(_))), "{early:?}");
        // Only the named supervisor decides the supervisor step; the requester never does,
        // even holding the HR role.
        let stranger = decide(
            &mut connection,
            &caller_of(&colleague, vec![]),
            approve(None),
        );
        assert!(matches!(stranger, Err(ServiceError::Forbidden(_))));
        let own = decide(
            &mut connection,
            &caller_of(&employee, vec![Role::Hr]),
            approve(None),
        );
        assert!(matches!(own, Err(ServiceError::Forbidden(_))));

        let punches = |connection: &mut DbConnection| {
            let at = test_moment().stored();
            attendance::punches_between(
                connection,
                Some(std::slice::from_ref(&employee.id)),
                at - time::Duration::minutes(1),
                at + time::Duration::minutes(1),
            )
            .unwrap()
        };
        let (after_first, chain) = decide(
            &mut connection,
            &caller_of(&supervisor, vec![]),
            approve(None),
        )
        .unwrap();
        assert_eq!(after_first.status().unwrap(), ApplicationStatus::Pending);
        // ATT-5: nothing is punched until the last step approves.
        assert!(punches(&mut connection).is_empty());
        assert_eq!(after_first.version, 2);
        assert_eq!(chain[0].decision.as_deref(), Some("approved"));
        assert_eq!(chain[0].decided_by, supervisor.user_id);

        let (approved, _) = decide(&mut connection, &hr, approve(None)).unwrap();
        assert_eq!(approved.status().unwrap(), ApplicationStatus::Approved);
        assert_eq!(approved.version, 3);
        assert_eq!(
            punches(&mut connection),
            vec![(employee.id.clone(), approved.punched_at)]
        );
        // A decided request takes no further decision.
        let again = decide(&mut connection, &hr, approve(Some(StepKind::Hr)));
        assert!(matches!(again, Err(ServiceError::Conflict(_))));
    }
);

both_backends!(
    a_rejection_at_the_first_step_rejects_the_request,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let supervisor = staff(&mut connection, &office);
        let employee = staff(&mut connection, &office);
        let id = filed(&mut connection, &employee, &supervisor);
        let rejection = StepDecision {
            step: None,
            decision: Decision::Rejected,
            comment: Some("no evidence".into()),
        };
        let (rejected, chain) = decide_request::<MakeUpRequest>(
            &mut connection,
            &caller_of(&supervisor, vec![]),
            &id,
            &rejection,
        )
        .unwrap();
        assert_eq!(rejected.status().unwrap(), ApplicationStatus::Rejected);
        assert_eq!(chain[0].comment.as_deref(), Some("no evidence"));
        assert_eq!(chain[1].decision, None);
        let missing = decide_request::<MakeUpRequest>(
            &mut connection,
            &caller_of(&supervisor, vec![]),
            "no-such-request",
            &approve(None),
        );
        assert!(matches!(missing, Err(ServiceError::NotFound(_))));
    }
);
