//! CARE-3 through the service, on both backends: the after-sales obligations a training deal
//! misses, and the one DISC record (fined per missed visit) a missed window becomes.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use time::macros::date;
use zhidu_domain::after_sales::AfterSalesPolicy;
use zhidu_domain::money::Money;
use zhidu_domain::role::Role;
use zhidu_service::ServiceError;
use zhidu_service::access::Caller;
use zhidu_service::after_sales::{
    NewDeal, NewVisit, create_deal, discipline_missed, missed_obligations, record_visit,
};
use zhidu_service::discipline::seed_catalog;
use zhidu_store::audit::Actor;
use zhidu_store::both_backends;
use zhidu_store::db::run_migrations;
use zhidu_store::testing::TestDatabase;
use zhidu_store::testing::fixtures::{actor, customer, department, employee, user};

both_backends!(
    care_3_a_missed_window_becomes_one_disc_record_per_deal_and_window,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        seed_catalog(&mut connection, &actor()).unwrap();
        let office = department(&mut connection);
        let responsible = employee(&mut connection, &office, false);
        let client = customer(&mut connection);
        let hr = Caller {
            roles: vec![Role::Hr],
            actor: Actor {
                subject: user(&mut connection, "hr"),
                ..actor()
            },
        };
        let policy = AfterSalesPolicy::default();

        let deal = create_deal(
            &mut connection,
            &hr,
            NewDeal {
                customer_id: client.clone(),
                responsible_id: responsible.clone(),
                deal_on: date!(2026 - 10 - 01),
                ends_on: None,
            },
        )
        .unwrap();
        let unknown = create_deal(
            &mut connection,
            &hr,
            NewDeal {
                customer_id: "no-such-customer".into(),
                responsible_id: responsible.clone(),
                deal_on: date!(2026 - 10 - 01),
                ends_on: None,
            },
        );
        assert!(matches!(
            unknown,
            Err(ServiceError::FieldRefused { ref field, .. }) if field == "customer_id"
        ));
        let visit = |visited_on| NewVisit {
            deal_id: deal.id.clone(),
            visited_on,
            screenshot: " shot.png ".into(),
            notes: None,
        };
        let early = record_visit(&mut connection, &hr, visit(date!(2026 - 09 - 30)));
        assert!(matches!(
            early,
            Err(ServiceError::FieldRefused { ref field, .. }) if field == "visited_on"
        ));
        let made = record_visit(&mut connection, &hr, visit(date!(2026 - 11 - 10))).unwrap();
        assert_eq!(made.screenshot, "shot.png");

        // By 9 December: the first week had none of its 1, November one of its 2; December is
        // not over.
        let (deals, missed) =
            missed_obligations(&mut connection, date!(2026 - 12 - 09), &policy, None, 50).unwrap();
        assert_eq!(deals.len(), 1);
        let summary: Vec<(&str, u32, u32, u32)> = missed
            .iter()
            .map(|m| (m.window.as_str(), m.required, m.visits_made, m.missed))
            .collect();
        assert_eq!(summary, vec![("first-week", 1, 0, 1), ("2026-11", 2, 1, 1)]);

        let (record, created) =
            discipline_missed(&mut connection, &hr, &policy, &deal.id, "2026-11").unwrap();
        assert!(created);
        assert_eq!(record.employee_id, responsible);
        assert_eq!(record.unit_count, 1);
        assert_eq!(record.fine_fen, Money::from_yuan(100).fen());
        let (again, created) =
            discipline_missed(&mut connection, &hr, &policy, &deal.id, "2026-11").unwrap();
        assert!(!created);
        assert_eq!(again.id, record.id);
        let (_, missed) =
            missed_obligations(&mut connection, date!(2026 - 12 - 09), &policy, None, 50).unwrap();
        assert_eq!(
            missed[1].discipline_record_id.as_deref(),
            Some(record.id.as_str())
        );

        let running = discipline_missed(&mut connection, &hr, &policy, &deal.id, "2026-12");
        assert!(matches!(running, Err(ServiceError::Conflict(_))));
        let nonsense = discipline_missed(&mut connection, &hr, &policy, &deal.id, "week-1");
        assert!(matches!(nonsense, Err(ServiceError::NotFound(_))));
    }
);
