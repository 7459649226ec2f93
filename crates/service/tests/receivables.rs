//! AR-2..5 through the service, on both backends: payments up to what is outstanding, the
//! bad-debt workflow (finance's report, the general manager's write-off, recoveries up to what
//! is still written off, the memo ledger) and the month-end balance. Stored status texts are
//! read as the domain's enums, so an unknown one is corrupt, never a default.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use time::macros::date;
use zhidu_domain::approval::Decision;
use zhidu_domain::money::Money;
use zhidu_domain::role::Role;
use zhidu_domain::settlement::{
    BadDebtStatus, ReceivableEventKind, ReceivableOutcome, SettlementPolicy,
};
use zhidu_service::ServiceError;
use zhidu_service::access::Caller;
use zhidu_service::receivables::{
    self, BadDebtReport, CustomerEntry, Entry, EntryFacts, NoteKind, Terms,
};
use zhidu_store::StoreError;
use zhidu_store::audit::Actor;
use zhidu_store::both_backends;
use zhidu_store::db::{DbConnection, run_migrations};
use zhidu_store::testing::fixtures::{actor, customer, department, employee};
use zhidu_store::testing::{TestDatabase, test_moment};

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

fn general_manager() -> Caller {
    caller("chen.zong", Role::GeneralManager)
}

/// A customer with a credit limit of 10,000.00 and an employee to handle its entries:
/// (customer id, handler id).
fn ledger(connection: &mut DbConnection) -> (String, String) {
    let office = department(connection);
    let handler = employee(connection, &office, false);
    let customer = customer(connection);
    let terms = Terms {
        credit_limit: money("10000.00"),
        credit_period_days: 30,
    };
    receivables::set_terms(connection, &finance(), &customer, terms, None).unwrap();
    (customer, handler)
}

fn entry(
    connection: &mut DbConnection,
    (customer, handler): &(String, String),
    amount: &str,
) -> Entry {
    let new = CustomerEntry {
        customer_id: customer.clone(),
        amount: money(amount),
        approver_id: None,
        facts: EntryFacts {
            contract_number: "HT-1".into(),
            invoiced_on: date!(2025 - 01 - 10),
            handler_id: handler.clone(),
            delivery_method: "快递".into(),
            delivered_on: date!(2025 - 01 - 10),
        },
    };
    receivables::record(connection, &finance(), new).unwrap()
}

fn report() -> BadDebtReport {
    BadDebtReport {
        reason: "客户失联".into(),
        responsible_department: "销售部".into(),
        responsible_person: "赵销售".into(),
    }
}

/// The field and message of a field refusal.
fn field_refusal<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> (String, String) {
    match result {
        Err(ServiceError::FieldRefused { field, message }) => (field, message),
        other => panic!("expected a field refusal, got {other:?}"),
    }
}

/// The rule and detail of a rule refusal.
fn rule_refusal<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> (&'static str, String) {
    match result {
        Err(ServiceError::Refused { rule, detail, .. }) => (rule, detail),
        other => panic!("expected a rule refusal, got {other:?}"),
    }
}

fn conflict<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> String {
    match result {
        Err(ServiceError::Conflict(detail)) => detail,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

both_backends!(
    ar_2_a_payment_covers_at_most_what_is_outstanding,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let ledger = ledger(&mut connection);
        let first = entry(&mut connection, &ledger, "800.00");
        let id = first.receivable.id.as_str();
        assert_eq!(first.outstanding, money("800.00"));

        let pay = |connection: &mut DbConnection, amount: &str, version: i64| {
            receivables::pay(
                connection,
                &finance(),
                (id, version),
                money(amount),
                date!(2025 - 03 - 01),
            )
        };
        assert_eq!(
            field_refusal(pay(&mut connection, "800.01", 1)),
            ("amount".into(), "exceeds the outstanding 800.00".into())
        );
        let paid = pay(&mut connection, "300.00", 1).unwrap();
        assert_eq!(paid.receivable.paid_fen, 30_000);
        assert_eq!(paid.outstanding, money("500.00"));
        assert_eq!(paid.receivable.version, 2);
        assert_eq!(paid.events.len(), 1);
        assert_eq!(paid.events[0].kind, ReceivableEventKind::Payment);
        assert_eq!(paid.events[0].event.recorded_by, "qian.caiwu");
        // The version read is checked before the amount.
        assert!(matches!(
            pay(&mut connection, "0.01", 1),
            Err(ServiceError::Stale(_))
        ));
        // One fen more than outstanding is refused; exactly what is outstanding settles it.
        assert_eq!(
            field_refusal(pay(&mut connection, "500.01", 2)).1,
            "exceeds the outstanding 500.00"
        );
        let settled = pay(&mut connection, "500.00", 2).unwrap();
        assert_eq!(settled.outstanding, Money::ZERO);
        assert_eq!(
            field_refusal(pay(&mut connection, "0.01", 3)).1,
            "exceeds the outstanding 0.00"
        );
        // A settled entry takes no AR-4 outcome and no AR-5 report.
        let handler = ledger.1.as_str();
        let outcome = receivables::set_outcome(
            &mut connection,
            &finance(),
            (id, 3),
            ReceivableOutcome::Litigation,
            handler,
        );
        assert_eq!(
            rule_refusal(outcome),
            ("AR-4", "the entry is paid in full".into())
        );
        let reported = receivables::report_bad_debt(&mut connection, &finance(), (id, 3), report());
        assert_eq!(
            rule_refusal(reported),
            ("AR-5", "the entry is paid in full".into())
        );
        // A note changes no amount; the ledger lists every event.
        let noted = receivables::add_note(
            &mut connection,
            &finance(),
            id,
            NoteKind::Reconciliation,
            "与客户对账无误".into(),
            date!(2025 - 03 - 31),
        )
        .unwrap();
        assert_eq!(noted.receivable.version, 4);
        assert_eq!(noted.outstanding, Money::ZERO);
        let kinds: Vec<ReceivableEventKind> = noted.events.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                ReceivableEventKind::Payment,
                ReceivableEventKind::Payment,
                ReceivableEventKind::Reconciliation
            ]
        );
        assert_eq!(noted.receivable.handler_id, handler);
    }
);

both_backends!(
    ar_5_bad_debt_is_reported_written_off_by_the_general_manager_and_recovered,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let ledger = ledger(&mut connection);
        let first = entry(&mut connection, &ledger, "800.00");
        let id = first.receivable.id.as_str();
        receivables::pay(
            &mut connection,
            &finance(),
            (id, 1),
            money("300.00"),
            date!(2025 - 03 - 01),
        )
        .unwrap();

        // Nothing to decide before finance reports.
        let early = receivables::decide_bad_debt(
            &mut connection,
            &general_manager(),
            (id, 2),
            Decision::Approved,
        );
        assert_eq!(conflict(early), "there is no bad-debt report to decide");
        let reported =
            receivables::report_bad_debt(&mut connection, &finance(), (id, 2), report()).unwrap();
        assert_eq!(reported.bad_debt_status, Some(BadDebtStatus::Reported));
        assert_eq!(
            reported.receivable.responsible_person.as_deref(),
            Some("赵销售")
        );
        assert_eq!(reported.receivable.version, 3);
        let again = receivables::report_bad_debt(&mut connection, &finance(), (id, 3), report());
        assert_eq!(conflict(again), "the entry is already reported");

        // Approval writes off what is still unpaid, today.
        let written = receivables::decide_bad_debt(
            &mut connection,
            &general_manager(),
            (id, 3),
            Decision::Approved,
        )
        .unwrap();
        assert_eq!(written.bad_debt_status, Some(BadDebtStatus::WrittenOff));
        assert_eq!(written.receivable.written_off_fen, Some(50_000));
        assert_eq!(
            written.receivable.written_off_on,
            Some(test_moment().today())
        );
        assert_eq!(written.receivable.version, 4);
        let after_write_off =
            receivables::report_bad_debt(&mut connection, &finance(), (id, 4), report());
        assert_eq!(
            conflict(after_write_off),
            "the entry is already written_off"
        );
        // Out of the aging; money received is a recovery now, not a payment.
        let aging = receivables::aging(
            &mut connection,
            &SettlementPolicy::default(),
            date!(2026 - 01 - 01),
        )
        .unwrap();
        assert!(aging.entries.is_empty());
        assert!(aging.buckets.is_empty());
        let payment = receivables::pay(
            &mut connection,
            &finance(),
            (id, 4),
            money("100.00"),
            date!(2026 - 03 - 01),
        );
        assert_eq!(
            rule_refusal(payment),
            (
                "AR-5",
                "the entry is written off; record money received as a recovery".into()
            )
        );

        let recover = |connection: &mut DbConnection, amount: &str, version: i64| {
            receivables::recover(
                connection,
                &finance(),
                (id, version),
                money(amount),
                date!(2026 - 03 - 01),
            )
        };
        // Above what is still written off (500.00): refused; 200.00 reverses that much.
        assert_eq!(
            field_refusal(recover(&mut connection, "500.01", 4)),
            (
                "amount".into(),
                "exceeds what is still written off, 500.00".into()
            )
        );
        let partly = recover(&mut connection, "200.00", 4).unwrap();
        assert_eq!(partly.receivable.recovered_fen, 20_000);
        assert_eq!(
            partly.events.last().unwrap().kind,
            ReceivableEventKind::Recovery
        );
        let memo = receivables::memo_ledger(&mut connection).unwrap();
        assert_eq!(memo.totals.written_off, money("500.00"));
        assert_eq!(memo.totals.recovered, money("200.00"));
        assert_eq!(memo.totals.net, money("300.00"));
        assert_eq!(memo.entries.len(), 1);
        // 300.01 is one fen above what is still written off; 300.00 is exactly it.
        assert_eq!(
            field_refusal(recover(&mut connection, "300.01", 5)).1,
            "exceeds what is still written off, 300.00"
        );
        let fully = recover(&mut connection, "300.00", 5).unwrap();
        assert_eq!(fully.receivable.recovered_fen, 50_000);
        assert_eq!(
            field_refusal(recover(&mut connection, "0.01", 6)).1,
            "exceeds what is still written off, 0.00"
        );
        let memo = receivables::memo_ledger(&mut connection).unwrap();
        assert_eq!(memo.totals.recovered, money("500.00"));
        assert_eq!(memo.totals.net, Money::ZERO);

        // AR-2's month-end balance: the payment counts from March 2025, the write-off from
        // its day on; recoveries do not change what the customer owed.
        let balance = |connection: &mut DbConnection, day| {
            receivables::customer_ledger(connection, &ledger.0, day)
                .unwrap()
                .balance
        };
        assert_eq!(
            balance(&mut connection, date!(2025 - 02 - 28)),
            money("800.00")
        );
        assert_eq!(
            balance(&mut connection, date!(2025 - 03 - 31)),
            money("500.00")
        );
        let today = test_moment().today();
        assert_eq!(balance(&mut connection, today), Money::ZERO);
        assert_eq!(
            balance(&mut connection, today.previous_day().unwrap()),
            money("500.00")
        );
    }
);

both_backends!(
    ar_5_a_rejected_report_leaves_the_entry_owed_and_reportable,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let ledger = ledger(&mut connection);
        let owed = entry(&mut connection, &ledger, "120.00");
        let id = owed.receivable.id.as_str();
        receivables::report_bad_debt(&mut connection, &finance(), (id, 1), report()).unwrap();
        let rejected = receivables::decide_bad_debt(
            &mut connection,
            &general_manager(),
            (id, 2),
            Decision::Rejected,
        )
        .unwrap();
        assert_eq!(rejected.bad_debt_status, None);
        assert_eq!(rejected.receivable.written_off_fen, None);
        assert_eq!(rejected.outstanding, money("120.00"));
        let aging = receivables::aging(
            &mut connection,
            &SettlementPolicy::default(),
            date!(2025 - 08 - 01),
        )
        .unwrap();
        assert_eq!(aging.entries.len(), 1);
        assert_eq!(aging.entries[0].bucket.label, "over 180");
        assert_eq!(aging.entries[0].bucket.days, 203);
        assert!(aging.entries[0].needs_analysis);
        assert_eq!(aging.buckets[0].outstanding, money("120.00"));
        let again =
            receivables::report_bad_debt(&mut connection, &finance(), (id, 3), report()).unwrap();
        assert_eq!(again.bad_debt_status, Some(BadDebtStatus::Reported));
    }
);

both_backends!(
    an_unknown_stored_bad_debt_status_is_corrupt_not_a_default,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let ledger = ledger(&mut connection);
        let owed = entry(&mut connection, &ledger, "50.00");
        let id = owed.receivable.id.clone();
        // The schema refuses such a text, so the damage goes around its check.
        let around_the_check = match connection {
            DbConnection::Sqlite(_) => "PRAGMA ignore_check_constraints = ON;",
            DbConnection::Postgres(_) => {
                "ALTER TABLE receivables DROP CONSTRAINT receivables_bad_debt_status_check;"
            }
        };
        db.execute(&format!(
            "{around_the_check} UPDATE receivables SET bad_debt_status = 'lost' WHERE id = '{id}'"
        ));
        let corrupt = |result: Result<Entry, ServiceError>| {
            matches!(result, Err(ServiceError::Store(StoreError::Corrupt(_))))
        };
        assert!(corrupt(receivables::find_entry(&mut connection, &id)));
        assert!(corrupt(receivables::report_bad_debt(
            &mut connection,
            &finance(),
            (&id, 1),
            report()
        )));
        assert!(corrupt(receivables::decide_bad_debt(
            &mut connection,
            &general_manager(),
            (&id, 1),
            Decision::Approved
        )));
    }
);
