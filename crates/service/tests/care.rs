//! CARE-1 and CARE-5 through the service, on both backends: an order schedules its phone
//! visits for the customer's active owner, a visit answers its kind's questionnaire on or
//! after its day, and a service is renewed or refused once.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use time::macros::date;
use zhidu_domain::care::{CarePolicy, ServiceKind, ServiceStatus, VisitKind, VisitTaskStatus};
use zhidu_domain::money::Money;
use zhidu_domain::role::Role;
use zhidu_service::ServiceError;
use zhidu_service::access::Caller;
use zhidu_service::care::{
    NewOrder, NewService, VisitRecord, find_order, record_visit, refuse_renewal, renew_service,
    renewal_reminders, submit_order,
};
use zhidu_store::audit::Actor;
use zhidu_store::both_backends;
use zhidu_store::customers;
use zhidu_store::db::run_migrations;
use zhidu_store::testing::TestDatabase;
use zhidu_store::testing::fixtures::{actor, customer, customer_row, user};

fn order(customer_id: &str) -> NewOrder {
    NewOrder {
        customer_id: customer_id.to_owned(),
        responsible_name: " 王建国 ".into(),
        responsible_phone: "0311-86000000".into(),
        responsible_mobile: "13800000000".into(),
        responsible_email: "wang@example.com".into(),
        services: vec![
            NewService {
                kind: ServiceKind::Hosting,
                description: " 企业网站空间 1 年 ".into(),
                amount: Money::from_yuan(800),
                starts_on: date!(2026 - 01 - 01),
                expires_on: date!(2026 - 12 - 14),
            },
            NewService {
                kind: ServiceKind::Training,
                description: "培训".into(),
                amount: Money::from_yuan(100),
                starts_on: date!(2026 - 01 - 01),
                expires_on: date!(2026 - 12 - 14),
            },
        ],
    }
}

both_backends!(
    care_1_an_order_schedules_visits_for_the_active_owner_and_care_5_renews_once,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let staff = Caller {
            roles: vec![Role::CsAgent],
            actor: Actor {
                subject: user(&mut connection, "cs_agent"),
                ..actor()
            },
        };
        let policy = CarePolicy::default();

        // No owner: the visits are due to the submitter; an active owner: to the owner.
        let unowned = customer(&mut connection);
        let records = submit_order(&mut connection, &staff, &policy, order(&unowned)).unwrap();
        assert_eq!(records.order.salesperson_id, staff.actor.subject);
        assert_eq!(records.order.responsible_name, "王建国");
        let owner = user(&mut connection, "marketing");
        let mut owned = customer_row("有主客户");
        owned.owner_id = Some(owner.clone());
        customers::insert(&mut connection, &actor(), &owned).unwrap();
        let records = submit_order(&mut connection, &staff, &policy, order(&owned.id)).unwrap();
        assert_eq!(records.order.salesperson_id, owner);
        let unknown = submit_order(&mut connection, &staff, &policy, order("nobody"));
        assert!(matches!(
            unknown,
            Err(ServiceError::FieldRefused { ref field, .. }) if field == "customer_id"
        ));

        let read = find_order(&mut connection, &records.order.id).unwrap();
        let tasks = read.tasks.unwrap();
        assert_eq!(tasks.len(), 13);
        assert_eq!(read.services.len(), 2);
        assert_eq!(read.services[0].remind_on, Some(date!(2026 - 12 - 07)));
        let initial = tasks
            .iter()
            .find(|t| t.kind == VisitKind::Initial.as_str())
            .unwrap();
        let monthly = tasks
            .iter()
            .find(|t| t.kind == VisitKind::Monthly.as_str())
            .unwrap();

        // CARE-1: the initial questionnaire, every missing answer named; a monthly visit not
        // before its day.
        let wrong = record_visit(
            &mut connection,
            &staff,
            VisitRecord {
                task_id: initial.id.clone(),
                version: 1,
                staff_contacted: Some(true),
                ..VisitRecord::default()
            },
        );
        let Err(ServiceError::Refused {
            rule: "CARE-1",
            fields,
            ..
        }) = wrong
        else {
            panic!("answers of the wrong kind are refused: {wrong:?}");
        };
        assert!(fields.iter().any(|f| f.field == "satisfaction"));
        assert!(fields.iter().any(|f| f.field == "staff_contacted"));
        let early = record_visit(
            &mut connection,
            &staff,
            VisitRecord {
                task_id: monthly.id.clone(),
                version: 1,
                ..VisitRecord::default()
            },
        );
        assert!(matches!(early, Err(ServiceError::Conflict(_))));
        let answers = VisitRecord {
            task_id: initial.id.clone(),
            version: 1,
            satisfaction: Some(5),
            chose_us_because: Some(" 价格 ".into()),
            shortcomings: Some("无".into()),
            wishes: Some("无".into()),
            ..VisitRecord::default()
        };
        let visit = record_visit(&mut connection, &staff, answers.clone()).unwrap();
        assert_eq!(visit.chose_us_because.as_deref(), Some("价格"));
        let done = find_order(&mut connection, &records.order.id)
            .unwrap()
            .tasks
            .unwrap();
        let done = done.iter().find(|t| t.id == initial.id).unwrap();
        assert_eq!(done.status, VisitTaskStatus::Done.as_str());
        let twice = record_visit(&mut connection, &staff, answers);
        assert!(matches!(twice, Err(ServiceError::Conflict(_))));

        // CARE-5: the hosting service is reminded from 7 December, training never.
        let reminded = renewal_reminders(
            &mut connection,
            &policy,
            date!(2026 - 12 - 09),
            None,
            None,
            50,
        )
        .unwrap();
        assert!(
            reminded
                .iter()
                .all(|r| r.service.kind == ServiceKind::Hosting.as_str())
        );
        // Reminders go to owners: only the owned customer's service is listed.
        assert_eq!(reminded.len(), 1);
        assert_eq!(reminded[0].owner_id.as_deref(), Some(owner.as_str()));

        let hosting = &read.services[0];
        let backwards = renew_service(
            &mut connection,
            &staff,
            &policy,
            &hosting.id,
            1,
            date!(2026 - 12 - 14),
        );
        assert!(matches!(
            backwards,
            Err(ServiceError::FieldRefused { ref field, .. }) if field == "new_expires_on"
        ));
        let renewed = renew_service(
            &mut connection,
            &staff,
            &policy,
            &hosting.id,
            1,
            date!(2027 - 12 - 14),
        )
        .unwrap();
        assert_eq!(renewed.remind_on, Some(date!(2027 - 12 - 07)));
        assert_eq!(renewed.version, 2);
        let refused = refuse_renewal(&mut connection, &staff, &hosting.id, 2, " 停业 ").unwrap();
        assert_eq!(refused.reason, "停业");
        let after = find_order(&mut connection, &records.order.id).unwrap();
        assert_eq!(after.services[0].status, ServiceStatus::NotRenewed.as_str());
        let late = renew_service(
            &mut connection,
            &staff,
            &policy,
            &hosting.id,
            3,
            date!(2028 - 12 - 14),
        );
        assert!(matches!(late, Err(ServiceError::Conflict(_))));
    }
);
