//! SET-1..4, SET-6 through the service, on both backends: payments against a partner's due
//! dates, the overdue periods and their follow-up, the franchise months — and SET-1's
//! isolation: each partner's account sums its own rows only, and a partner token never sees
//! another partner's settled months, whatever it asks for.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use time::macros::date;
use zhidu_domain::money::Money;
use zhidu_domain::role::Role;
use zhidu_domain::settlement::{PartnerType, SettlementPolicy};
use zhidu_service::ServiceError;
use zhidu_service::access::Caller;
use zhidu_service::partners::{self, NewPartner};
use zhidu_service::settlement::{self, FollowUpChange, NewPayment};
use zhidu_service::statements::{self, Line};
use zhidu_store::audit::Actor;
use zhidu_store::both_backends;
use zhidu_store::db::{DbConnection, run_migrations};
use zhidu_store::testing::TestDatabase;
use zhidu_store::testing::fixtures::actor;

mod support;
use support::acting_as;

fn yuan(amount: i64) -> Money {
    Money::from_yuan(amount)
}

/// A partner registered through the service, with a live credential: (id, its token's caller).
fn partner(
    connection: &mut DbConnection,
    partner_type: PartnerType,
    region: &str,
    contract_split: Option<(u32, u32)>,
) -> (String, Caller) {
    let partner = partners::create_partner(
        connection,
        &actor(),
        &NewPartner {
            partner_type,
            name: format!("{region} {}", partner_type.as_str()),
            region: region.into(),
            contract_split,
        },
    )
    .unwrap();
    let credential = partners::issue_credential(
        connection,
        &actor(),
        &partner.id,
        format!("partner-{}", partner.id),
        String::new(),
    )
    .unwrap();
    let token = Caller {
        roles: vec![Role::Partner],
        actor: Actor {
            subject: credential.client_id,
            ..actor()
        },
    };
    (partner.id, token)
}

fn record(connection: &mut DbConnection, partner_id: &str, reference: &str, amount: i64) {
    statements::record_orders(
        connection,
        &acting_as(&[Role::Finance]),
        partner_id,
        vec![Line {
            reference: reference.into(),
            amount: yuan(amount),
            occurred_on: date!(2026 - 11 - 02),
        }],
    )
    .unwrap();
}

both_backends!(
    set_1_4_each_partners_overdue_period_sums_its_own_rows_only,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let policy = SettlementPolicy::default();
        let (a, _) = partner(&mut connection, PartnerType::Insurer, "四川", None);
        let (b, _) = partner(&mut connection, PartnerType::Insurer, "河北", None);
        record(&mut connection, &a, "A1", 100);
        record(&mut connection, &b, "B1", 300);

        // SET-2: the 15th is no insurer's due date; the 10th is.
        let pay = |due_on, amount: i64| NewPayment {
            due_on,
            amount: yuan(amount),
            received_on: date!(2026 - 11 - 12),
            reference: " TX-1 ".into(),
        };
        let refused = settlement::record_payment(
            &mut connection,
            &actor(),
            &policy,
            &a,
            &pay(date!(2026 - 11 - 15), 40),
        );
        assert!(
            matches!(&refused, Err(ServiceError::FieldRefused { field, .. }) if field == "due_on"),
            "{refused:?}"
        );
        let (payment, period) = settlement::record_payment(
            &mut connection,
            &actor(),
            &policy,
            &a,
            &pay(date!(2026 - 11 - 10), 40),
        )
        .unwrap();
        assert_eq!(period.due_on, date!(2026 - 11 - 10));
        assert_eq!(payment.reference, "TX-1");

        // SET-4 as of 2026-12-09: both periods due 2026-11-10 are overdue, each with its own
        // partner's expected amount and payments, never the other's.
        let overdue =
            settlement::overdue_periods(&mut connection, &policy, date!(2026 - 12 - 09)).unwrap();
        assert_eq!(overdue.len(), 2);
        let of = |id: &str| overdue.iter().find(|o| o.partner_id == id).unwrap();
        assert_eq!(of(&a).account.expected, yuan(100));
        assert_eq!(of(&a).account.paid, yuan(40));
        assert_eq!(of(&a).account.outstanding, yuan(60));
        assert_eq!(of(&b).account.expected, yuan(300));
        assert_eq!(of(&b).account.paid, Money::ZERO);
        assert!(overdue.iter().all(|o| o.account.overdue));

        // SET-4: only an overdue period takes a follow-up; then it is changed at its version.
        let follow_up = |connection: &mut DbConnection, due_on, version| {
            let change = FollowUpChange {
                finance_notified: Some(true),
                version,
                ..FollowUpChange::default()
            };
            settlement::record_follow_up(connection, &actor(), &policy, &a, due_on, change)
        };
        let none = follow_up(&mut connection, date!(2026 - 11 - 20), None);
        assert!(matches!(none, Err(ServiceError::NotFound(_))), "{none:?}");
        let first = follow_up(&mut connection, date!(2026 - 11 - 10), None).unwrap();
        assert_eq!(first.version, 1);
        assert!(first.finance_notified_at.is_some());
        let stale = follow_up(&mut connection, date!(2026 - 11 - 10), None);
        assert!(matches!(stale, Err(ServiceError::Stale(_))), "{stale:?}");
        let overdue =
            settlement::overdue_periods(&mut connection, &policy, date!(2026 - 12 - 09)).unwrap();
        let of = |id: &str| overdue.iter().find(|o| o.partner_id == id).unwrap();
        assert_eq!(of(&a).follow_up.as_ref().map(|f| f.version), Some(1));
        assert!(of(&b).follow_up.is_none());
    }
);

both_backends!(
    set_1_6_a_partner_never_sees_another_partners_settled_months,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let policy = SettlementPolicy::default();
        let (hebei, hebei_token) = partner(&mut connection, PartnerType::Franchisee, "河北", None);
        let (sichuan, sichuan_token) = partner(
            &mut connection,
            PartnerType::Franchisee,
            "四川",
            Some((55, 45)),
        );
        let (insurer, _) = partner(&mut connection, PartnerType::Insurer, "四川", None);

        // SET-6: Hebei's fixed 60:40; Sichuan's contract 55:45; an insurer is no franchisee.
        let settle = |connection: &mut DbConnection, id: &str| {
            settlement::settle_franchise_month(
                connection,
                &actor(),
                &policy,
                id,
                "2026-11",
                yuan(1000),
            )
        };
        let fixed = settle(&mut connection, &hebei).unwrap();
        assert_eq!(fixed.company_share_fen, yuan(600).fen());
        assert_eq!(fixed.basis, "fixed_region");
        let contract = settle(&mut connection, &sichuan).unwrap();
        assert_eq!(contract.company_share_fen, yuan(550).fen());
        assert_eq!(contract.basis, "contract");
        let not_franchisee = settle(&mut connection, &insurer);
        assert!(
            matches!(&not_franchisee, Err(ServiceError::FieldRefused { field, .. }) if field == "partner_id"),
            "{not_franchisee:?}"
        );

        let partners_of = |rows: Vec<settlement::FranchiseSettlement>| {
            rows.into_iter().map(|s| s.partner_id).collect::<Vec<_>>()
        };
        // A partner token reads its own months, even when it asks for another partner's.
        let own =
            settlement::franchise_months(&mut connection, &hebei_token, Some(sichuan.clone()))
                .unwrap();
        assert_eq!(partners_of(own), vec![hebei.clone()]);
        let own = settlement::franchise_months(&mut connection, &sichuan_token, None).unwrap();
        assert_eq!(partners_of(own), vec![sichuan.clone()]);
        // Finance reads the partner it asks for, or every one.
        let asked = settlement::franchise_months(
            &mut connection,
            &acting_as(&[Role::Finance]),
            Some(sichuan.clone()),
        )
        .unwrap();
        assert_eq!(partners_of(asked), vec![sichuan.clone()]);
        let every =
            settlement::franchise_months(&mut connection, &acting_as(&[Role::Finance]), None)
                .unwrap();
        assert_eq!(every.len(), 2);
    }
);
