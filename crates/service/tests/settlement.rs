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

fn money(text: &str) -> Money {
    text.parse().unwrap()
}

fn caller(subject: &str, role: Role) -> Caller {
    Caller {
        roles: vec![role],
        actor: Actor {
            subject: subject.to_owned(),
            ..actor()
        },
    }
}

fn finance() -> Caller {
    caller("qian.caiwu", Role::Finance)
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
    (partner.id, caller(&credential.client_id, Role::Partner))
}

fn record(connection: &mut DbConnection, partner_id: &str, reference: &str, amount: &str) {
    statements::record_orders(
        connection,
        &finance(),
        partner_id,
        vec![Line {
            reference: reference.into(),
            amount: money(amount),
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
        record(&mut connection, &a, "A1", "100.00");
        record(&mut connection, &b, "B1", "300.00");

        // SET-2: the 15th is no insurer's due date; the 10th is.
        let pay = |due_on, amount: &str| NewPayment {
            due_on,
            amount: money(amount),
            received_on: date!(2026 - 11 - 12),
            reference: " TX-1 ".into(),
        };
        let refused = settlement::record_payment(
            &mut connection,
            &actor(),
            &policy,
            &a,
            &pay(date!(2026 - 11 - 15), "40.00"),
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
            &pay(date!(2026 - 11 - 10), "40.00"),
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
        assert_eq!(of(&a).account.expected, money("100.00"));
        assert_eq!(of(&a).account.paid, money("40.00"));
        assert_eq!(of(&a).account.outstanding, money("60.00"));
        assert_eq!(of(&b).account.expected, money("300.00"));
        assert_eq!(of(&b).account.paid, Money::ZERO);
        assert!(overdue.iter().all(|o| o.account.overdue));

        // SET-4: only an overdue period takes a follow-up; then it is changed at its version.
        let change = |version| FollowUpChange {
            finance_notified: Some(true),
            version,
            ..FollowUpChange::default()
        };
        let none = settlement::record_follow_up(
            &mut connection,
            &actor(),
            &policy,
            &a,
            date!(2026 - 11 - 20),
            change(None),
        );
        assert!(matches!(none, Err(ServiceError::NotFound(_))), "{none:?}");
        let first = settlement::record_follow_up(
            &mut connection,
            &actor(),
            &policy,
            &a,
            date!(2026 - 11 - 10),
            change(None),
        )
        .unwrap();
        assert_eq!(first.version, 1);
        assert!(first.finance_notified_at.is_some());
        let stale = settlement::record_follow_up(
            &mut connection,
            &actor(),
            &policy,
            &a,
            date!(2026 - 11 - 10),
            change(None),
        );
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
                money("1000.00"),
            )
        };
        let fixed = settle(&mut connection, &hebei).unwrap();
        assert_eq!(fixed.company_share_fen, money("600.00").fen());
        assert_eq!(fixed.basis, "fixed_region");
        let contract = settle(&mut connection, &sichuan).unwrap();
        assert_eq!(contract.company_share_fen, money("550.00").fen());
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
        let asked =
            settlement::franchise_months(&mut connection, &finance(), Some(sichuan.clone()))
                .unwrap();
        assert_eq!(partners_of(asked), vec![sichuan.clone()]);
        let every = settlement::franchise_months(&mut connection, &finance(), None).unwrap();
        assert_eq!(every.len(), 2);
    }
);
