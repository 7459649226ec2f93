//! LEAD-1..3 through the service, on both backends: a second claiming invitation becomes a
//! DISC record instead of an invitation, a contested deal is agreed or void but never split,
//! and last month's failed follow-ups bar an owner.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};
use zhidu_domain::lead::{DealSettlement, DealStatus, FollowUpResult, Ownership};
use zhidu_domain::money::Money;
use zhidu_domain::role::Role;
use zhidu_service::ServiceError;
use zhidu_service::discipline::seed_catalog;
use zhidu_service::prospects::{
    DealResolution, FollowUpAssignment, InvitationOutcome, NewInvitation, NewProspect,
    assign_follow_up, create_prospect, follow_up_eligibility, ownership_of, record_deal,
    record_deposit, record_follow_up, record_invitation, resolve_deal,
};
use zhidu_store::both_backends;
use zhidu_store::db::{DbConnection, run_migrations};
use zhidu_store::discipline as discipline_store;
use zhidu_store::testing::TestDatabase;
use zhidu_store::testing::fixtures::{actor, department, employee};

mod support;
use support::acting_as;

const NOW: OffsetDateTime = datetime!(2026-12-09 10:00 +8);

fn prospect(connection: &mut DbConnection) -> String {
    create_prospect(
        connection,
        &acting_as(&[Role::Manager]),
        NewProspect {
            company_name: " 上海某某贸易 ".into(),
            contact_name: "张".into(),
            phone: "021-55550000".into(),
            source: "展会".into(),
        },
    )
    .unwrap()
    .id
}

fn invitation(staff: &str, confirmed_ago: Duration, visit_after: Duration) -> NewInvitation {
    NewInvitation {
        staff_id: staff.to_owned(),
        confirmed_at: NOW - confirmed_ago,
        appointment_at: NOW - confirmed_ago + visit_after,
        place: "公司".into(),
    }
}

both_backends!(
    lead_1_a_second_claiming_invitation_is_a_disc_record,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        seed_catalog(&mut connection, &actor()).unwrap();
        let office = department(&mut connection);
        let a = employee(&mut connection, &office, false);
        let b = employee(&mut connection, &office, false);
        let id = prospect(&mut connection);

        let first = record_invitation(
            &mut connection,
            &acting_as(&[Role::Manager]),
            &id,
            invitation(&a, Duration::days(2), Duration::hours(72)),
        )
        .unwrap();
        let InvitationOutcome::Recorded(recorded) = first else {
            panic!("the first claiming invitation is recorded");
        };
        let prospect = recorded.prospect;
        assert_eq!(ownership_of(&prospect).unwrap(), Ownership::Owned);
        assert_eq!(prospect.owner_id.as_deref(), Some(a.as_str()));

        let second = record_invitation(
            &mut connection,
            &acting_as(&[Role::Manager]),
            &id,
            invitation(&b, Duration::days(1), Duration::hours(24)),
        )
        .unwrap();
        let InvitationOutcome::Duplicate {
            owner_id,
            record_id,
        } = second
        else {
            panic!("a second claiming invitation by another is refused");
        };
        assert_eq!(owner_id, a);
        let record = discipline_store::find_record(&mut connection, &record_id)
            .unwrap()
            .unwrap();
        assert_eq!(record.employee_id, b);
        assert_eq!(record.offense_code, "intentional_duplicate_invitation");
        assert_eq!(record.fine_fen, Money::from_yuan(500).fen());

        // A visit more than 3 days away only helps: recorded, the prospect stays a's.
        let helper = record_invitation(
            &mut connection,
            &acting_as(&[Role::Manager]),
            &id,
            invitation(&b, Duration::days(1), Duration::hours(73)),
        )
        .unwrap();
        let InvitationOutcome::Recorded(recorded) = helper else {
            panic!("a helping invitation is recorded");
        };
        assert!(!recorded.invitation.claims);
        assert_eq!(recorded.prospect.owner_id.as_deref(), Some(a.as_str()));
    }
);

both_backends!(
    lead_2_a_contested_deal_is_agreed_or_void_never_split,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        seed_catalog(&mut connection, &actor()).unwrap();
        let office = department(&mut connection);
        let a = employee(&mut connection, &office, false);
        let b = employee(&mut connection, &office, false);
        let c = employee(&mut connection, &office, false);
        let id = prospect(&mut connection);
        let closed_at = actor().at.stored() - Duration::hours(1);
        let mut deal_of = |claimants: &[String]| {
            record_deal(
                &mut connection,
                &acting_as(&[Role::Manager]),
                &id,
                claimants,
                Money::from_yuan(10),
                closed_at,
            )
        };

        let unknown = deal_of(&[a.clone(), "nobody".into(), "ghost".into()]);
        let Err(ServiceError::FieldsRefused(fields)) = unknown else {
            panic!("unknown claimants are refused: {unknown:?}");
        };
        let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(named, ["claimant_ids[1]", "claimant_ids[2]"]);

        let won = deal_of(&[a.clone(), a.clone()]).unwrap();
        assert_eq!(won.status, DealStatus::Won.as_str());
        assert_eq!(won.owner_id.as_deref(), Some(a.as_str()));
        let deal = deal_of(&[a.clone(), b.clone()]).unwrap();
        assert_eq!(deal.status, DealStatus::Contested.as_str());
        assert_eq!(deal.owner_id, None);

        let resolution = |settlement| DealResolution {
            settlement,
            quarrel: true,
            note: " 协商 ".into(),
            version: 1,
        };
        let split = resolve_deal(
            &mut connection,
            &acting_as(&[Role::Manager]),
            &id,
            &deal.id,
            resolution(DealSettlement::Split {
                holders: vec![a.clone(), b.clone()],
            }),
        );
        assert!(matches!(
            split,
            Err(ServiceError::Refused { rule: "LEAD-2", .. })
        ));
        let stranger = resolve_deal(
            &mut connection,
            &acting_as(&[Role::Manager]),
            &id,
            &deal.id,
            resolution(DealSettlement::Agreed {
                owner_id: c.clone(),
            }),
        );
        assert!(matches!(
            stranger,
            Err(ServiceError::FieldRefused { ref field, .. }) if field == "owner_id"
        ));
        let (agreed, quarrels) = resolve_deal(
            &mut connection,
            &acting_as(&[Role::Manager]),
            &id,
            &deal.id,
            resolution(DealSettlement::Agreed {
                owner_id: b.clone(),
            }),
        )
        .unwrap();
        assert_eq!(agreed.status, DealStatus::Agreed.as_str());
        assert_eq!(agreed.owner_id.as_deref(), Some(b.as_str()));
        assert_eq!(agreed.resolution_note.as_deref(), Some("协商"));
        assert_eq!(quarrels.len(), 2);
        let again = resolve_deal(
            &mut connection,
            &acting_as(&[Role::Manager]),
            &id,
            &deal.id,
            DealResolution {
                settlement: DealSettlement::Void,
                quarrel: false,
                note: "x".into(),
                version: 2,
            },
        );
        assert!(matches!(again, Err(ServiceError::Conflict(_))));
    }
);

both_backends!(
    lead_3_the_deposit_collector_owns_and_40_percent_failures_bar_next_month,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let inviter = employee(&mut connection, &office, false);
        let closer = employee(&mut connection, &office, false);
        let id = prospect(&mut connection);
        let assignment = |version, interviewed_at| FollowUpAssignment {
            inviter_id: inviter.clone(),
            closer_id: closer.clone(),
            agreed_owner_id: None,
            interviewed_at,
            version,
        };

        let undecided = assign_follow_up(
            &mut connection,
            &acting_as(&[Role::Manager]),
            &id,
            assignment(1, NOW - Duration::days(2)),
        );
        assert!(matches!(
            undecided,
            Err(ServiceError::Refused { rule: "LEAD-3", .. })
        ));
        record_deposit(
            &mut connection,
            &acting_as(&[Role::Manager]),
            &id,
            &closer,
            Money::from_yuan(500),
            actor().at.stored() - Duration::days(3),
        )
        .unwrap();
        let assigned = assign_follow_up(
            &mut connection,
            &acting_as(&[Role::Manager]),
            &id,
            assignment(1, NOW - Duration::days(2)),
        )
        .unwrap();
        assert_eq!(
            assigned.follow_up_owner_id.as_deref(),
            Some(closer.as_str())
        );
        assert_eq!(
            assigned.follow_up_other_id.as_deref(),
            Some(inviter.as_str())
        );

        let failed = record_follow_up(
            &mut connection,
            &acting_as(&[Role::Manager]),
            &id,
            FollowUpResult::Failure,
            NOW - Duration::days(1),
            Some(" 没兴趣 "),
        )
        .unwrap();
        assert_eq!(failed.owner_id, closer);
        assert_eq!(failed.note, "没兴趣");

        // January is judged on December: one outcome, one failure — barred.
        let (counted, staff) =
            follow_up_eligibility(&mut connection, date!(2027 - 01 - 01)).unwrap();
        assert_eq!(counted, date!(2026 - 12 - 01));
        assert_eq!(staff.len(), 1);
        assert_eq!(staff[0].employee_id, closer);
        assert_eq!(staff[0].failure_rate_bp, 10_000);
        assert!(!staff[0].eligible);
        let (_, december) = follow_up_eligibility(&mut connection, date!(2026 - 12 - 01)).unwrap();
        assert!(december.is_empty());

        let next = prospect(&mut connection);
        record_deposit(
            &mut connection,
            &acting_as(&[Role::Manager]),
            &next,
            &closer,
            Money::from_yuan(500),
            actor().at.stored(),
        )
        .unwrap();
        let barred = assign_follow_up(
            &mut connection,
            &acting_as(&[Role::Manager]),
            &next,
            assignment(1, datetime!(2027-01-05 10:00 +8)),
        );
        assert!(matches!(
            barred,
            Err(ServiceError::Refused { rule: "LEAD-3", .. })
        ));
    }
);
